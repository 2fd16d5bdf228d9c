package io.watershed.core.metadata;

import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Creates a topic.
 *
 * @param name the topic name; see {@link TopicRules#checkName(String)}
 * @param partitionCount the number of partitions, {@link TopicRules#MIN_PARTITIONS} to {@link
 *     TopicRules#MAX_PARTITIONS}
 * @param configs per-topic configuration overrides, checked by the {@link TopicConfigValidator};
 *     copied, iterated in key order
 * @param topicId the topic's permanent id, chosen by the submitter (usually {@link
 *     UUID#randomUUID()}) so that every replica records the same id; must not be the nil UUID or
 *     the id of an existing topic
 */
public record CreateTopic(
    String name, int partitionCount, Map<String, String> configs, UUID topicId)
    implements MetadataCommand {

  /** Rejects nulls and copies {@code configs}. */
  public CreateTopic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(topicId, "topicId");
    configs = SortedCopies.map(configs);
  }
}
