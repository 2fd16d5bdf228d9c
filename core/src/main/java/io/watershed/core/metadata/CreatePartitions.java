package io.watershed.core.metadata;

import java.util.Objects;

/**
 * Raises a topic's partition count. Partitions are never removed: the count may only grow.
 *
 * @param name the name of an existing topic
 * @param newPartitionCount the total number of partitions afterwards (not the number added):
 *     greater than the current count and at most {@link TopicRules#MAX_PARTITIONS}
 */
public record CreatePartitions(String name, int newPartitionCount) implements MetadataCommand {

  /** Rejects a null name. */
  public CreatePartitions {
    Objects.requireNonNull(name, "name");
  }
}
