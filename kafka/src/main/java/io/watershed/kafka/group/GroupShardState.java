package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorRecord;
import io.watershed.core.coordinator.CoordinatorShard;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.PartitionKey;
import io.watershed.core.group.PersistentSortedMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The durable group state of one shard, built only by replaying committed {@link GroupRecords}:
 * committed offsets, classic groups as last recorded, and consumer groups with their members.
 * Handlers read it and return records; they never change it.
 *
 * <p>What is not durable (classic rebalances in progress, parked requests, timers) lives in the
 * shard's {@link GroupShard}, which the state factory hands to every fresh state, so it survives
 * the rebuild that follows a failed append.
 *
 * <p>Confined to the shard's owner. The offsets are published at each commit as an immutable map
 * for readers on other threads ({@link GroupShard#publishedOffsets}).
 */
final class GroupShardState implements CoordinatorShard {
  private final GroupShard shard;

  /** Committed offsets: group id → partition → offset. Immutable maps, shared when published. */
  private PersistentSortedMap<String, PersistentSortedMap<PartitionKey, OffsetEntry>> offsets =
      PersistentSortedMap.empty();

  private final Map<String, ClassicGroupMembership> classic = new HashMap<>();
  private final Map<String, ConsumerGroup> consumer = new HashMap<>();

  GroupShardState(GroupShard shard) {
    this.shard = shard;
  }

  GroupShard shard() {
    return shard;
  }

  @Override
  public void replay(byte[] key, byte[] value) {
    GroupRecords.Key k = GroupRecords.parseKey(key);
    String id = k.groupId();
    switch (k.type()) {
      case GroupRecords.OFFSET -> {
        PartitionKey p = new PartitionKey(k.name(), k.partition());
        PersistentSortedMap<PartitionKey, OffsetEntry> group = offsets.get(id);
        if (group == null) {
          group = PersistentSortedMap.empty();
        }
        group = value == null ? group.without(p) : group.with(p, GroupRecords.readOffset(value));
        offsets = group.isEmpty() ? offsets.without(id) : offsets.with(id, group);
      }
      case GroupRecords.CLASSIC -> {
        if (value == null) {
          classic.remove(id);
        } else {
          classic.put(id, GroupRecords.readClassic(value));
        }
      }
      case GroupRecords.CONSUMER -> {
        if (value == null) {
          consumer.remove(id);
        } else {
          ConsumerGroupRecords.replayEpochs(
              consumer.computeIfAbsent(id, ConsumerGroup::new), GroupRecords.readConsumer(value));
        }
      }
      case GroupRecords.MEMBER ->
          ConsumerGroupRecords.replayMember(replaying(id, value), k.name(), value);
      case GroupRecords.TARGET ->
          ConsumerGroupRecords.replayTarget(replaying(id, value), k.name(), value);
      case GroupRecords.CURRENT ->
          ConsumerGroupRecords.replayCurrent(replaying(id, value), k.name(), value);
      default -> throw new IllegalArgumentException("unknown group record type " + k.type());
    }
  }

  /**
   * The consumer group a member record belongs to. A record may come before its group's epochs
   * (compaction keeps only the latest of each key): the group is made at epoch 0 and its epochs
   * follow. A tombstone of a group that is gone is ignored, on a throwaway group.
   */
  private ConsumerGroup replaying(String id, byte[] value) {
    ConsumerGroup g = consumer.get(id);
    if (g == null) {
      g = new ConsumerGroup(id);
      if (value != null) {
        consumer.put(id, g);
      }
    }
    return g;
  }

  @Override
  public void committed() {
    shard.publish(offsets);
  }

  // ---- reads ------------------------------------------------------------------------------------

  /** The committed offsets of {@code groupId}, whatever topic they were committed for. */
  PersistentSortedMap<PartitionKey, OffsetEntry> offsets(String groupId) {
    PersistentSortedMap<PartitionKey, OffsetEntry> g = offsets.get(groupId);
    return g == null ? PersistentSortedMap.empty() : g;
  }

  PersistentSortedMap<String, PersistentSortedMap<PartitionKey, OffsetEntry>> allOffsets() {
    return offsets;
  }

  /** The classic group as last recorded, or null. */
  ClassicGroupMembership classicRecord(String groupId) {
    return classic.get(groupId);
  }

  /** The committed consumer group, or null; not to be changed (see {@link ConsumerGroup#copy}). */
  ConsumerGroup consumerGroup(String groupId) {
    return consumer.get(groupId);
  }

  Collection<ConsumerGroup> consumerGroups() {
    return consumer.values();
  }

  /** The ids of every group this shard has a record of (offsets, classic or consumer). */
  Set<String> groupIds() {
    Set<String> ids = new TreeSet<>(offsets.keys());
    ids.addAll(classic.keySet());
    ids.addAll(consumer.keySet());
    return ids;
  }

  Set<String> classicRecordIds() {
    return Set.copyOf(classic.keySet());
  }

  /** Whether any record of {@code groupId} exists. */
  boolean hasRecords(String groupId) {
    return offsets.containsKey(groupId)
        || classic.containsKey(groupId)
        || consumer.containsKey(groupId);
  }

  /**
   * Tombstones for every record of {@code groupId}: offsets, then its consumer or classic group.
   */
  List<CoordinatorRecord> deleteRecords(String groupId) {
    List<CoordinatorRecord> out = new ArrayList<>();
    offsets(groupId)
        .forEach(
            (p, e) -> out.add(CoordinatorRecord.tombstone(GroupRecords.offsetKey(groupId, p))));
    out.addAll(consumerTombstones(groupId));
    out.addAll(classicTombstone(groupId));
    return out;
  }

  /**
   * Tombstones for the consumer group {@code groupId}, if recorded: a classic group replaces it.
   */
  List<CoordinatorRecord> consumerTombstones(String groupId) {
    ConsumerGroup g = consumer.get(groupId);
    return g == null ? List.of() : ConsumerGroupRecords.groupTombstones(g);
  }

  /**
   * The tombstone of the classic group {@code groupId}, if recorded: a consumer group replaces it.
   */
  List<CoordinatorRecord> classicTombstone(String groupId) {
    return classic.containsKey(groupId)
        ? List.of(CoordinatorRecord.tombstone(GroupRecords.classicKey(groupId)))
        : List.of();
  }
}
