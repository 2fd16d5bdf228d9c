package io.watershed.core.group;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * A consumer group (the protocol in which the coordinator assigns partitions): its epochs and its
 * members. Immutable; updates share structure with the membership they start from.
 *
 * @param groupEpoch bumped whenever the membership or what the members subscribe to changes
 * @param assignmentEpoch the group epoch the members' target assignments were computed for; never
 *     above {@code groupEpoch}
 * @param members the members by member id
 */
public record ConsumerGroupMembership(
    int groupEpoch, int assignmentEpoch, PersistentSortedMap<String, ConsumerMemberRecord> members)
    implements GroupMembership {

  /** A group without members at epoch 0. */
  public static final ConsumerGroupMembership EMPTY =
      new ConsumerGroupMembership(0, 0, PersistentSortedMap.empty());

  /** Checks that the epochs are ordered and that every member is filed under its own id. */
  public ConsumerGroupMembership {
    Objects.requireNonNull(members, "members");
    if (assignmentEpoch < 0 || assignmentEpoch > groupEpoch) {
      throw new IllegalArgumentException(
          "assignment epoch " + assignmentEpoch + " outside 0.." + groupEpoch);
    }
    members.forEach(
        (id, member) -> {
          if (!id.equals(member.memberId())) {
            throw new IllegalArgumentException("member " + member.memberId() + " filed as " + id);
          }
        });
  }

  @Override
  public boolean hasMembers() {
    return !members.isEmpty();
  }

  public Optional<ConsumerMemberRecord> member(String memberId) {
    return Optional.ofNullable(members.get(memberId));
  }

  /**
   * The membership after one change: new epochs, members added or replaced, members removed.
   * Removing a member that is not there is not an error.
   */
  public ConsumerGroupMembership updated(
      int newGroupEpoch,
      int newAssignmentEpoch,
      Collection<ConsumerMemberRecord> upserts,
      Collection<String> removals) {
    PersistentSortedMap<String, ConsumerMemberRecord> next = members;
    for (String id : removals) {
      next = next.without(id);
    }
    for (ConsumerMemberRecord member : upserts) {
      next = next.with(member.memberId(), member);
    }
    return new ConsumerGroupMembership(newGroupEpoch, newAssignmentEpoch, next);
  }
}
