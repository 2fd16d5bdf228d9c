package io.watershed.core.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The committed offsets of one group, by topic and partition. Immutable; updates share structure
 * with the offsets they start from (see {@link PersistentSortedMap}), so committing one partition
 * of a group with thousands costs O(log n).
 *
 * <p>Invariant: no topic maps to an empty partition map. Thread-safe.
 */
public final class GroupOffsets {

  /** No offsets. */
  public static final GroupOffsets EMPTY = new GroupOffsets(PersistentSortedMap.empty());

  private final PersistentSortedMap<String, PersistentSortedMap<Integer, CommittedOffset>> byTopic;

  private GroupOffsets(
      PersistentSortedMap<String, PersistentSortedMap<Integer, CommittedOffset>> byTopic) {
    this.byTopic = byTopic;
  }

  /** The offset committed for {@code topic}/{@code partition}, if any. */
  public Optional<CommittedOffset> get(String topic, int partition) {
    PersistentSortedMap<Integer, CommittedOffset> partitions = byTopic.get(topic);
    return partitions == null ? Optional.empty() : Optional.ofNullable(partitions.get(partition));
  }

  /** The topics with at least one committed offset, sorted. */
  public List<String> topics() {
    return byTopic.keys();
  }

  /** Whether any offset of {@code topic} is committed. */
  public boolean hasTopic(String topic) {
    return byTopic.containsKey(topic);
  }

  public boolean isEmpty() {
    return byTopic.isEmpty();
  }

  /** Every committed offset, sorted by topic then partition; a new list. */
  public List<PartitionOffset> all() {
    List<PartitionOffset> all = new ArrayList<>();
    byTopic.forEach(
        (topic, partitions) ->
            partitions.forEach(
                (p, committed) -> all.add(new PartitionOffset(topic, p, committed))));
    return all;
  }

  /** The offsets of one topic, sorted by partition; a new list, empty if none. */
  public List<PartitionOffset> ofTopic(String topic) {
    List<PartitionOffset> out = new ArrayList<>();
    PersistentSortedMap<Integer, CommittedOffset> partitions = byTopic.get(topic);
    if (partitions != null) {
      partitions.forEach((p, committed) -> out.add(new PartitionOffset(topic, p, committed)));
    }
    return out;
  }

  /** Offsets with {@code offset} replacing any earlier commit of its partition. */
  public GroupOffsets with(PartitionOffset offset) {
    PersistentSortedMap<Integer, CommittedOffset> partitions = byTopic.get(offset.topic());
    if (partitions == null) {
      partitions = PersistentSortedMap.empty();
    }
    return new GroupOffsets(
        byTopic.with(offset.topic(), partitions.with(offset.partition(), offset.committed())));
  }

  /** Offsets without the one of {@code key}; this object when there is none. */
  public GroupOffsets without(PartitionKey key) {
    PersistentSortedMap<Integer, CommittedOffset> partitions = byTopic.get(key.topic());
    if (partitions == null || !partitions.containsKey(key.partition())) {
      return this;
    }
    PersistentSortedMap<Integer, CommittedOffset> left = partitions.without(key.partition());
    return new GroupOffsets(
        left.isEmpty() ? byTopic.without(key.topic()) : byTopic.with(key.topic(), left));
  }

  /** Offsets without any of {@code topic}; this object when there are none. */
  public GroupOffsets withoutTopic(String topic) {
    return byTopic.containsKey(topic) ? new GroupOffsets(byTopic.without(topic)) : this;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GroupOffsets that && byTopic.equals(that.byTopic);
  }

  @Override
  public int hashCode() {
    return byTopic.hashCode();
  }

  @Override
  public String toString() {
    return "GroupOffsets" + byTopic;
  }
}
