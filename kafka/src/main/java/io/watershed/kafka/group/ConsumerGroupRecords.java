package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorRecord;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.PartitionAssignment;
import io.watershed.kafka.group.GroupRecords.CurrentAssignment;
import io.watershed.kafka.group.GroupRecords.Epochs;
import io.watershed.kafka.group.GroupRecords.MemberMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A consumer group in records: the records that turn one state of a group into another (what a
 * heartbeat writes), and the replay of each record into a {@link ConsumerGroup}. Pure; the groups
 * are confined to their shard's owner.
 */
final class ConsumerGroupRecords {
  private ConsumerGroupRecords() {}

  static MemberMetadata metadataOf(ConsumerMemberRecord m) {
    return new MemberMetadata(
        m.memberId(),
        m.instanceId(),
        m.rackId(),
        m.clientId(),
        m.clientHost(),
        m.subscribedTopicNames(),
        m.subscribedTopicRegex(),
        m.serverAssignor(),
        m.rebalanceTimeoutMs());
  }

  static CurrentAssignment currentOf(ConsumerMemberRecord m, Map<IdPartition, Integer> receivedAt) {
    return new CurrentAssignment(
        m.memberEpoch(),
        m.previousMemberEpoch(),
        m.state(),
        m.assigned(),
        m.pendingRevocation(),
        Map.copyOf(receivedAt));
  }

  static ConsumerMemberRecord compose(
      MemberMetadata m, PartitionAssignment target, CurrentAssignment c) {
    return new ConsumerMemberRecord(
        m.memberId(),
        m.instanceId(),
        m.rackId(),
        m.clientId(),
        m.clientHost(),
        m.subscribedTopicNames(),
        m.subscribedTopicRegex(),
        m.serverAssignor(),
        m.rebalanceTimeoutMs(),
        c.memberEpoch(),
        c.previousMemberEpoch(),
        c.state(),
        c.assigned(),
        c.pendingRevocation(),
        target);
  }

  static Epochs epochsOf(ConsumerGroup g) {
    return new Epochs(g.groupEpoch(), g.assignmentEpoch(), g.subscribedTopics());
  }

  /**
   * The records that turn {@code before} (null: the group does not exist) into {@code after}: the
   * group's epochs when they or its subscribed topics changed, then for each member only the parts
   * that changed (a new member: M, T, A), then tombstones (A, T, M) of members that are gone.
   */
  static List<CoordinatorRecord> diff(ConsumerGroup before, ConsumerGroup after) {
    String id = after.groupId();
    List<CoordinatorRecord> out = new ArrayList<>();
    if (before == null || !epochsOf(before).equals(epochsOf(after))) {
      out.add(GroupRecords.consumer(id, epochsOf(after)));
    }
    for (ConsumerMemberRecord m : after.members()) {
      ConsumerMemberRecord b = before == null ? null : before.member(m.memberId());
      MemberMetadata meta = metadataOf(m);
      if (b == null || !metadataOf(b).equals(meta)) {
        out.add(GroupRecords.member(id, meta));
      }
      if (b == null || !b.target().equals(m.target())) {
        out.add(GroupRecords.target(id, m.memberId(), m.target()));
      }
      CurrentAssignment current = currentOf(m, after.receivedAt(m.memberId()));
      if (b == null || !currentOf(b, before.receivedAt(b.memberId())).equals(current)) {
        out.add(GroupRecords.current(id, m.memberId(), current));
      }
    }
    if (before != null) {
      for (ConsumerMemberRecord b : before.members()) {
        if (after.member(b.memberId()) == null) {
          out.addAll(memberTombstones(id, b.memberId()));
        }
      }
    }
    return out;
  }

  /** The tombstones that remove one member: A, T, M. */
  static List<CoordinatorRecord> memberTombstones(String groupId, String memberId) {
    return List.of(
        CoordinatorRecord.tombstone(
            GroupRecords.memberKey(GroupRecords.CURRENT, groupId, memberId)),
        CoordinatorRecord.tombstone(GroupRecords.memberKey(GroupRecords.TARGET, groupId, memberId)),
        CoordinatorRecord.tombstone(
            GroupRecords.memberKey(GroupRecords.MEMBER, groupId, memberId)));
  }

  /** The tombstones that remove the whole group: every member's, then its epochs'. */
  static List<CoordinatorRecord> groupTombstones(ConsumerGroup g) {
    List<CoordinatorRecord> out = new ArrayList<>();
    for (ConsumerMemberRecord m : g.members()) {
      out.addAll(memberTombstones(g.groupId(), m.memberId()));
    }
    out.add(CoordinatorRecord.tombstone(GroupRecords.consumerKey(g.groupId())));
    return out;
  }

  // ---- replay -----------------------------------------------------------------------------------

  static void replayEpochs(ConsumerGroup g, Epochs e) {
    g.setEpochs(e.groupEpoch(), e.assignmentEpoch());
    g.setSubscribedTopics(e.topics());
  }

  static void replayMember(ConsumerGroup g, String memberId, byte[] value) {
    ConsumerMemberRecord old = g.member(memberId);
    if (value == null) {
      if (old != null) {
        g.remove(memberId);
      }
      g.orphanTargets.remove(memberId);
      g.orphanCurrents.remove(memberId);
      return;
    }
    MemberMetadata meta = GroupRecords.readMember(memberId, value);
    PartitionAssignment target;
    CurrentAssignment current;
    if (old != null) {
      target = old.target();
      current = currentOf(old, g.receivedAt(memberId));
    } else {
      PartitionAssignment t = g.orphanTargets.remove(memberId);
      CurrentAssignment c = g.orphanCurrents.remove(memberId);
      target = t == null ? PartitionAssignment.EMPTY : t;
      current = c == null ? CurrentAssignment.NONE : c;
    }
    g.putAsRecorded(compose(meta, target, current), current.receivedAt());
  }

  static void replayTarget(ConsumerGroup g, String memberId, byte[] value) {
    PartitionAssignment target =
        value == null ? PartitionAssignment.EMPTY : GroupRecords.readTarget(value);
    ConsumerMemberRecord old = g.member(memberId);
    if (old == null) {
      if (value == null) {
        g.orphanTargets.remove(memberId);
      } else {
        g.orphanTargets.put(memberId, target);
      }
      return;
    }
    g.putAsRecorded(ConsumerMembers.withTarget(old, target), g.receivedAt(memberId));
  }

  static void replayCurrent(ConsumerGroup g, String memberId, byte[] value) {
    CurrentAssignment current =
        value == null ? CurrentAssignment.NONE : GroupRecords.readCurrent(value);
    ConsumerMemberRecord old = g.member(memberId);
    if (old == null) {
      if (value == null) {
        g.orphanCurrents.remove(memberId);
      } else {
        g.orphanCurrents.put(memberId, current);
      }
      return;
    }
    g.putAsRecorded(compose(metadataOf(old), old.target(), current), current.receivedAt());
  }
}
