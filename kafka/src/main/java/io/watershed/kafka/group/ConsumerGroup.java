package io.watershed.kafka.group;

import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.MemberAssignmentState;
import io.watershed.core.group.PartitionAssignment;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * A consumer group (KIP-848: the coordinator assigns partitions): its epochs, its members as
 * immutable records, and what is derived from them — which member owns each partition, the epoch at
 * which each member received each partition, and the topics the group subscribes to.
 *
 * <p>Invariants: {@code owners} maps exactly the partitions members hold as assigned or pending
 * revocation to those members (assignments never overlap: a partition is given to a member only
 * once no other member holds it); {@code staticMembers} maps the members' instance ids to member
 * ids. {@link #put} and {@link #remove} keep both.
 *
 * <p>Mutable; confined to the coordinator's scheduler.
 */
final class ConsumerGroup implements CoordinatedGroup {
  private final String groupId;
  private int groupEpoch;
  private int assignmentEpoch;
  private final TreeMap<String, ConsumerMemberRecord> members = new TreeMap<>();
  private final Map<String, String> staticMembers = new HashMap<>();
  private final Map<IdPartition, String> owners = new HashMap<>();
  private final Map<String, Map<IdPartition, Integer>> receivedAtEpoch = new HashMap<>();
  private Map<String, SubscribedTopic> subscribedTopics = Map.of();

  /** Session timers by member id. */
  final Map<String, GroupScheduler.Timer> sessionTimers = new HashMap<>();

  /** Timers fencing members that do not give up partitions in time, by member id. */
  final Map<String, GroupScheduler.Timer> revocationTimers = new HashMap<>();

  ConsumerGroup(String groupId) {
    this.groupId = groupId;
  }

  /**
   * A group as recorded. The epochs at which members received their partitions are not recorded:
   * they count as received at epoch 0, which accepts any offset commit a member makes for
   * partitions it still holds.
   */
  static ConsumerGroup fromRecord(String groupId, ConsumerGroupMembership record) {
    ConsumerGroup group = new ConsumerGroup(groupId);
    group.groupEpoch = record.groupEpoch();
    group.assignmentEpoch = record.assignmentEpoch();
    for (ConsumerMemberRecord m : record.members().values()) {
      group.put(m);
      Map<IdPartition, Integer> epochs = group.receivedAtEpoch.get(m.memberId());
      epochs.replaceAll((p, e) -> 0);
    }
    return group;
  }

  @Override
  public String groupId() {
    return groupId;
  }

  @Override
  public boolean hasMembers() {
    return !members.isEmpty();
  }

  /**
   * Kafka's state of a consumer group: Empty without members; Assigning while the target assignment
   * lags the group epoch; Reconciling while a member has not reached it; else Stable.
   */
  @Override
  public String stateName() {
    if (members.isEmpty()) {
      return "Empty";
    }
    if (groupEpoch > assignmentEpoch) {
      return "Assigning";
    }
    for (ConsumerMemberRecord m : members.values()) {
      if (m.memberEpoch() != assignmentEpoch || m.state() != MemberAssignmentState.STABLE) {
        return "Reconciling";
      }
    }
    return "Stable";
  }

  int groupEpoch() {
    return groupEpoch;
  }

  int assignmentEpoch() {
    return assignmentEpoch;
  }

  void setEpochs(int newGroupEpoch, int newAssignmentEpoch) {
    this.groupEpoch = newGroupEpoch;
    this.assignmentEpoch = newAssignmentEpoch;
  }

  /** The member, or null. */
  ConsumerMemberRecord member(String memberId) {
    return members.get(memberId);
  }

  /** The members, sorted by id; a live view. */
  Collection<ConsumerMemberRecord> members() {
    return members.values();
  }

  /** The member holding instance id {@code instanceId}, or null. */
  ConsumerMemberRecord staticMember(String instanceId) {
    String id = staticMembers.get(instanceId);
    return id == null ? null : members.get(id);
  }

  /** The member holding the partition (assigned or pending revocation), or null if free. */
  String owner(UUID topicId, int partition) {
    return owners.get(new IdPartition(topicId, partition));
  }

  /**
   * The epoch at which the member received the partition, or null if it does not hold it. A commit
   * made with an older epoch than the member's current one is accepted for partitions it received
   * at or before that epoch.
   */
  Integer receivedAtEpoch(String memberId, UUID topicId, int partition) {
    Map<IdPartition, Integer> epochs = receivedAtEpoch.get(memberId);
    return epochs == null ? null : epochs.get(new IdPartition(topicId, partition));
  }

  /** Adds or replaces a member, keeping ownership, instance ids and receipt epochs in step. */
  void put(ConsumerMemberRecord member) {
    Map<IdPartition, Integer> before = receivedAtEpoch.getOrDefault(member.memberId(), Map.of());
    removeDerived(member.memberId());
    members.put(member.memberId(), member);
    if (member.instanceId() != null) {
      staticMembers.put(member.instanceId(), member.memberId());
    }
    Map<IdPartition, Integer> epochs = new HashMap<>();
    BiConsumer<UUID, SortedSet<Integer>> hold =
        (topic, partitions) -> {
          for (int p : partitions) {
            IdPartition key = new IdPartition(topic, p);
            owners.put(key, member.memberId());
            epochs.put(key, before.getOrDefault(key, member.memberEpoch()));
          }
        };
    member.assigned().partitions().forEach(hold);
    member.pendingRevocation().partitions().forEach(hold);
    receivedAtEpoch.put(member.memberId(), epochs);
  }

  /** Removes a member; its partitions become free. */
  void remove(String memberId) {
    removeDerived(memberId);
    members.remove(memberId);
  }

  private void removeDerived(String memberId) {
    ConsumerMemberRecord old = members.get(memberId);
    if (old == null) {
      return;
    }
    if (old.instanceId() != null && memberId.equals(staticMembers.get(old.instanceId()))) {
      staticMembers.remove(old.instanceId());
    }
    release(memberId, old.assigned());
    release(memberId, old.pendingRevocation());
    receivedAtEpoch.remove(memberId);
  }

  private void release(String memberId, PartitionAssignment partitions) {
    partitions
        .partitions()
        .forEach(
            (topic, indexes) -> {
              for (int p : indexes) {
                owners.remove(new IdPartition(topic, p), memberId);
              }
            });
  }

  /** The subscribed topics as of the last assignment: a change means a new assignment. */
  Map<String, SubscribedTopic> subscribedTopics() {
    return subscribedTopics;
  }

  void setSubscribedTopics(Map<String, SubscribedTopic> topics) {
    this.subscribedTopics = Map.copyOf(topics);
  }

  void cancelTimers(String memberId) {
    GroupScheduler.Timer session = sessionTimers.remove(memberId);
    if (session != null) {
      session.cancel();
    }
    GroupScheduler.Timer revocation = revocationTimers.remove(memberId);
    if (revocation != null) {
      revocation.cancel();
    }
  }
}
