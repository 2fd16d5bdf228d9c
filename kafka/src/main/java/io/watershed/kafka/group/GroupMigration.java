package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorNamespace;
import io.watershed.core.coordinator.CoordinatorRecord;
import io.watershed.core.coordinator.CoordinatorResult;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.group.GroupImage;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.metadata.TopicMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The move of groups from the metadata state machine (where versions before the coordinator runtime
 * kept them, as {@code CommitOffsets}, {@code PutClassicGroup}, {@code UpdateConsumerGroup} …
 * commands) onto the runtime, at the first start after the upgrade.
 *
 * <p>Each group is moved by one write on its shard that makes the runtime hold exactly what the
 * metadata held (tombstones first for anything the runtime already has of it, then its records),
 * and only once that is durable is the group deleted from the metadata ({@code DeleteGroup}). A
 * crash in between leaves the group in both; the next start moves it again, which writes the same
 * state, and nothing is served before the move is done. Offsets of topics that no longer exist are
 * not moved (the metadata deleted them with their topic).
 *
 * <p>The metadata commands, their appliers and codec stay so that old command logs and snapshots
 * still load; they can go once no data directory written before this version can be started
 * directly (that is, once upgrades must pass through a version that ran this move), together with
 * {@code GroupsImage} in the metadata image and snapshot.
 */
final class GroupMigration {
  private GroupMigration() {}

  /**
   * Moves every group of {@code legacy} onto the runtime; blocks until done.
   *
   * @return how many groups were moved
   */
  static int run(
      LegacyGroups legacy, CoordinatorNamespace<GroupShardState> namespace, GroupShard[] shards) {
    int moved = 0;
    for (GroupImage group : legacy.groups().all()) {
      GroupShard shard = shards[namespace.shardOf(group.groupId())];
      namespace
          .write(
              shard.id, state -> CoordinatorResult.of(recordsOf(shard, state, group), (Void) null))
          .join();
      legacy.deleteGroup(group.groupId()).join();
      moved++;
    }
    return moved;
  }

  /** The records that make the shard hold exactly {@code group}. */
  static List<CoordinatorRecord> recordsOf(
      GroupShard shard, GroupShardState state, GroupImage group) {
    String id = group.groupId();
    List<CoordinatorRecord> out = new ArrayList<>(state.deleteRecords(id));
    for (PartitionOffset o : group.offsets().all()) {
      Optional<TopicMetadata> topic =
          shard.topics.topic(o.topic()).filter(t -> o.partition() < t.partitionCount());
      topic.ifPresent(
          t ->
              out.add(
                  GroupRecords.offset(id, o.key(), new OffsetEntry(t.topicId(), o.committed()))));
    }
    switch (group.membership().orElse(null)) {
      case null -> {}
      case ClassicGroupMembership m -> out.add(GroupRecords.classic(id, m));
      case ConsumerGroupMembership m -> {
        ConsumerGroup g = ConsumerGroup.fromRecord(id, m);
        g.setSubscribedTopics(shard.subscriptions.resolve(g.members()));
        out.addAll(ConsumerGroupRecords.diff(null, g));
      }
    }
    return out;
  }
}
