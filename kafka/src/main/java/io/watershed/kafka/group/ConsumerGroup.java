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
 * <p>Mutable; confined to its shard's owner. The shard's state holds the committed group, built by
 * replaying records; a write handler changes a {@link #copy} and writes the difference.
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

  ConsumerGroup(String groupId) {
    this.groupId = groupId;
  }

  /**
   * A copy to change in a write handler: the members (immutable records) and the maps derived from
   * them are copied, so changing the copy leaves this group as it is. The per-member maps of
   * receipt epochs are shared: they are replaced, never changed in place.
   */
  ConsumerGroup copy() {
    ConsumerGroup c = new ConsumerGroup(groupId);
    c.groupEpoch = groupEpoch;
    c.assignmentEpoch = assignmentEpoch;
    c.members.putAll(members);
    c.staticMembers.putAll(staticMembers);
    c.owners.putAll(owners);
    c.receivedAtEpoch.putAll(receivedAtEpoch);
    c.subscribedTopics = subscribedTopics;
    c.orphanTargets.putAll(orphanTargets);
    c.orphanCurrents.putAll(orphanCurrents);
    return c;
  }

  /**
   * Targets and current assignments replayed before their member's {@code 'M'} record (compaction
   * may leave a member's latest metadata after its latest assignment); taken up when it comes.
   */
  final Map<String, PartitionAssignment> orphanTargets = new HashMap<>();

  final Map<String, GroupRecords.CurrentAssignment> orphanCurrents = new HashMap<>();

  /**
   * A group as an earlier version recorded it in the metadata log. The epochs at which members
   * received their partitions were not recorded: they count as received at epoch 0, which accepts
   * any offset commit a member makes for partitions it still holds.
   */
  static ConsumerGroup fromRecord(String groupId, ConsumerGroupMembership record) {
    ConsumerGroup group = new ConsumerGroup(groupId);
    group.groupEpoch = record.groupEpoch();
    group.assignmentEpoch = record.assignmentEpoch();
    for (ConsumerMemberRecord m : record.members().values()) {
      group.put(m);
      Map<IdPartition, Integer> epochs = new HashMap<>(group.receivedAtEpoch.get(m.memberId()));
      epochs.replaceAll((p, e) -> 0);
      group.receivedAtEpoch.put(m.memberId(), epochs);
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

  /** The epoch at which the member received each partition it holds; empty if none. */
  Map<IdPartition, Integer> receivedAt(String memberId) {
    return receivedAtEpoch.getOrDefault(memberId, Map.of());
  }

  /**
   * Adds or replaces a member with the receipt epochs its record carries (replay): the same state
   * {@link #put} left when the record was written.
   */
  void putAsRecorded(ConsumerMemberRecord member, Map<IdPartition, Integer> epochs) {
    removeDerived(member.memberId());
    members.put(member.memberId(), member);
    if (member.instanceId() != null) {
      staticMembers.put(member.instanceId(), member.memberId());
    }
    Map<IdPartition, Integer> held = new HashMap<>();
    BiConsumer<UUID, SortedSet<Integer>> hold =
        (topic, partitions) -> {
          for (int p : partitions) {
            IdPartition key = new IdPartition(topic, p);
            owners.put(key, member.memberId());
            held.put(key, epochs.getOrDefault(key, member.memberEpoch()));
          }
        };
    member.assigned().partitions().forEach(hold);
    member.pendingRevocation().partitions().forEach(hold);
    receivedAtEpoch.put(member.memberId(), held);
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
}
