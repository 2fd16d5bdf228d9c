package io.watershed.core.group;

import java.util.Comparator;
import java.util.Objects;

/**
 * One partition of a topic, by the topic's name, as a group's offsets are keyed. Ordered by topic,
 * then partition.
 *
 * @param topic the topic name
 * @param partition the partition index, not negative
 */
public record PartitionKey(String topic, int partition) implements Comparable<PartitionKey> {

  private static final Comparator<PartitionKey> ORDER =
      Comparator.comparing(PartitionKey::topic).thenComparingInt(PartitionKey::partition);

  /** Rejects a null topic and a negative partition. */
  public PartitionKey {
    Objects.requireNonNull(topic, "topic");
    if (partition < 0) {
      throw new IllegalArgumentException("negative partition " + partition);
    }
  }

  @Override
  public int compareTo(PartitionKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return topic + "-" + partition;
  }
}
