package io.watershed.core.group;

import java.util.Objects;

/**
 * A committed offset with the partition it belongs to, as a commit carries it.
 *
 * @param topic the topic name
 * @param partition the partition index, not negative
 * @param committed the offset and what comes with it
 */
public record PartitionOffset(String topic, int partition, CommittedOffset committed) {

  /** Rejects nulls and a negative partition. */
  public PartitionOffset {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(committed, "committed");
    if (partition < 0) {
      throw new IllegalArgumentException("negative partition " + partition);
    }
  }

  /** The partition this offset is for. */
  public PartitionKey key() {
    return new PartitionKey(topic, partition);
  }
}
