package io.watershed.core.group;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A set of partitions, by topic id and partition index. Immutable, sorted, and never holding a
 * topic with no partitions.
 *
 * @param partitions partition indexes by topic id; copied
 */
public record PartitionAssignment(SortedMap<UUID, SortedSet<Integer>> partitions) {

  /** No partitions. */
  public static final PartitionAssignment EMPTY = new PartitionAssignment(new TreeMap<>());

  /** Copies {@code partitions}, dropping topics without partitions; rejects negative indexes. */
  public PartitionAssignment {
    TreeMap<UUID, SortedSet<Integer>> copy = new TreeMap<>();
    partitions.forEach(
        (topic, indexes) -> {
          Objects.requireNonNull(topic, "topic id");
          if (!indexes.isEmpty()) {
            TreeSet<Integer> set = new TreeSet<>(indexes);
            if (set.first() < 0) {
              throw new IllegalArgumentException("negative partition in " + indexes);
            }
            copy.put(topic, Collections.unmodifiableSortedSet(set));
          }
        });
    partitions = Collections.unmodifiableSortedMap(copy);
  }

  /** An assignment holding {@code partitions}. */
  public static PartitionAssignment of(Map<UUID, ? extends Collection<Integer>> partitions) {
    TreeMap<UUID, SortedSet<Integer>> sorted = new TreeMap<>();
    partitions.forEach((topic, indexes) -> sorted.put(topic, new TreeSet<>(indexes)));
    return new PartitionAssignment(sorted);
  }

  public boolean isEmpty() {
    return partitions.isEmpty();
  }

  /** Whether the assignment holds partition {@code partition} of topic {@code topicId}. */
  public boolean contains(UUID topicId, int partition) {
    SortedSet<Integer> indexes = partitions.get(topicId);
    return indexes != null && indexes.contains(partition);
  }

  /** The partitions of {@code topicId}, empty if none. */
  public SortedSet<Integer> of(UUID topicId) {
    return partitions.getOrDefault(topicId, Collections.emptySortedSet());
  }

  /** The number of partitions over all topics. */
  public int count() {
    int n = 0;
    for (SortedSet<Integer> indexes : partitions.values()) {
      n += indexes.size();
    }
    return n;
  }
}
