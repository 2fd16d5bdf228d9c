package io.watershed.kafka.group;

import java.util.Comparator;
import java.util.UUID;

/**
 * One partition by topic id, as consumer groups assign them.
 *
 * @param topicId the topic's id
 * @param partition the partition index
 */
record IdPartition(UUID topicId, int partition) implements Comparable<IdPartition> {
  private static final Comparator<IdPartition> ORDER =
      Comparator.comparing(IdPartition::topicId).thenComparingInt(IdPartition::partition);

  @Override
  public int compareTo(IdPartition other) {
    return ORDER.compare(this, other);
  }
}
