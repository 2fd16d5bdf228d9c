package io.watershed.core.metadata;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What metadata knows about one topic. Immutable.
 *
 * @param name the topic name, unique among existing topics
 * @param topicId the permanent id given at creation, unique among existing topics
 * @param partitionCount the number of partitions, numbered 0 to {@code partitionCount - 1}
 * @param configs configuration overrides; keys absent here take the log engine's defaults;
 *     unmodifiable and iterated in key order
 * @param createdAtIndex the log index of the {@link CreateTopic} that created the topic; it tells
 *     apart two topics that had the same name at different times
 */
public record TopicMetadata(
    String name,
    UUID topicId,
    int partitionCount,
    Map<String, String> configs,
    long createdAtIndex) {

  /** Rejects nulls and counts outside the {@link TopicRules}; copies {@code configs}. */
  public TopicMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(topicId, "topicId");
    if (partitionCount < TopicRules.MIN_PARTITIONS || partitionCount > TopicRules.MAX_PARTITIONS) {
      throw new IllegalArgumentException("partitionCount out of range: " + partitionCount);
    }
    if (createdAtIndex < 1) {
      throw new IllegalArgumentException("createdAtIndex must be positive: " + createdAtIndex);
    }
    configs = SortedCopies.map(configs);
  }

  /** Returns a copy with {@code partitionCount} replaced. */
  public TopicMetadata withPartitionCount(int newPartitionCount) {
    return new TopicMetadata(name, topicId, newPartitionCount, configs, createdAtIndex);
  }

  /** Returns a copy with {@code configs} replaced. */
  public TopicMetadata withConfigs(Map<String, String> newConfigs) {
    return new TopicMetadata(name, topicId, partitionCount, newConfigs, createdAtIndex);
  }
}
