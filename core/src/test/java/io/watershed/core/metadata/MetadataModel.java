package io.watershed.core.metadata;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A deliberately plain re-statement of the metadata rules, written from the specification rather
 * than from the production code, for the property test to compare the store against.
 */
final class MetadataModel {

  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final UUID NIL = new UUID(0, 0);

  private final TopicConfigValidator configRules;
  private final Map<String, TopicMetadata> topics = new TreeMap<>();
  private long lastIndex;

  MetadataModel(TopicConfigValidator configRules) {
    this.configRules = configRules;
  }

  Map<String, TopicMetadata> topics() {
    return topics;
  }

  long lastIndex() {
    return lastIndex;
  }

  /** Applies {@code command}; returns the error expected, or empty for success. */
  Optional<MetadataError> apply(MetadataCommand command) {
    return switch (command) {
      case CreateTopic c -> createTopic(c);
      case DeleteTopic c -> deleteTopic(c);
      case AlterTopicConfigs c -> alterTopicConfigs(c);
      case CreatePartitions c -> createPartitions(c);
    };
  }

  private Optional<MetadataError> createTopic(CreateTopic c) {
    if (!legalName(c.name())) {
      return Optional.of(MetadataError.INVALID_TOPIC_NAME);
    }
    if (c.partitionCount() < 1 || c.partitionCount() > 10_000) {
      return Optional.of(MetadataError.INVALID_PARTITIONS);
    }
    if (c.configs().containsKey("")) {
      return Optional.of(MetadataError.INVALID_CONFIG);
    }
    if (c.topicId().equals(NIL)) {
      return Optional.of(MetadataError.INVALID_TOPIC_ID);
    }
    if (refused(c.configs())) {
      return Optional.of(MetadataError.INVALID_CONFIG);
    }
    lastIndex++;
    if (topics.containsKey(c.name())) {
      return Optional.of(MetadataError.TOPIC_ALREADY_EXISTS);
    }
    if (topics.values().stream().anyMatch(t -> t.topicId().equals(c.topicId()))) {
      return Optional.of(MetadataError.INVALID_TOPIC_ID);
    }
    topics.put(
        c.name(),
        new TopicMetadata(c.name(), c.topicId(), c.partitionCount(), c.configs(), lastIndex));
    return Optional.empty();
  }

  private Optional<MetadataError> deleteTopic(DeleteTopic c) {
    if (!legalName(c.name())) {
      return Optional.of(MetadataError.INVALID_TOPIC_NAME);
    }
    lastIndex++;
    return topics.remove(c.name()) == null
        ? Optional.of(MetadataError.UNKNOWN_TOPIC)
        : Optional.empty();
  }

  private Optional<MetadataError> alterTopicConfigs(AlterTopicConfigs c) {
    if (!legalName(c.name())) {
      return Optional.of(MetadataError.INVALID_TOPIC_NAME);
    }
    if (c.set().containsKey("")
        || c.remove().contains("")
        || c.set().keySet().stream().anyMatch(c.remove()::contains)
        || refused(c.set())) {
      return Optional.of(MetadataError.INVALID_CONFIG);
    }
    lastIndex++;
    TopicMetadata topic = topics.get(c.name());
    if (topic == null) {
      return Optional.of(MetadataError.UNKNOWN_TOPIC);
    }
    Map<String, String> configs = new TreeMap<>(topic.configs());
    configs.putAll(c.set());
    c.remove().forEach(configs::remove);
    topics.put(c.name(), topic.withConfigs(configs));
    return Optional.empty();
  }

  private Optional<MetadataError> createPartitions(CreatePartitions c) {
    if (!legalName(c.name())) {
      return Optional.of(MetadataError.INVALID_TOPIC_NAME);
    }
    if (c.newPartitionCount() < 1 || c.newPartitionCount() > 10_000) {
      return Optional.of(MetadataError.INVALID_PARTITIONS);
    }
    lastIndex++;
    TopicMetadata topic = topics.get(c.name());
    if (topic == null) {
      return Optional.of(MetadataError.UNKNOWN_TOPIC);
    }
    if (c.newPartitionCount() <= topic.partitionCount()) {
      return Optional.of(MetadataError.INVALID_PARTITIONS);
    }
    topics.put(c.name(), topic.withPartitionCount(c.newPartitionCount()));
    return Optional.empty();
  }

  private static boolean legalName(String name) {
    return LEGAL_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  private boolean refused(Map<String, String> configs) {
    return configs.entrySet().stream()
        .anyMatch(e -> configRules.validate(e.getKey(), e.getValue()).isPresent());
  }
}
