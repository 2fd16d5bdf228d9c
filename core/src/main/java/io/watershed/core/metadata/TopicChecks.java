package io.watershed.core.metadata;

import static io.watershed.core.metadata.CommandResult.failure;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The checks that appliers share, each returning the {@link CommandResult.Failure} a client sees.
 * Pure functions; {@link Optional#or} chains them so that the first failing check wins and the
 * order of checks, which decides the error reported, reads top to bottom in each applier.
 */
final class TopicChecks {

  private TopicChecks() {}

  static Optional<CommandResult.Failure> name(String name) {
    return TopicRules.checkName(name)
        .map(reason -> failure(MetadataError.INVALID_TOPIC_NAME, reason));
  }

  static Optional<CommandResult.Failure> partitionCount(int partitionCount) {
    return TopicRules.checkPartitionCount(partitionCount)
        .map(reason -> failure(MetadataError.INVALID_PARTITIONS, reason));
  }

  static Optional<CommandResult.Failure> configKeys(Set<String> keys) {
    return TopicRules.checkConfigKeys(keys)
        .map(reason -> failure(MetadataError.INVALID_CONFIG, reason));
  }

  static Optional<CommandResult.Failure> configValues(
      Map<String, String> configs, TopicConfigValidator configRules) {
    return TopicRules.checkConfigValues(configs, configRules)
        .map(reason -> failure(MetadataError.INVALID_CONFIG, reason));
  }

  /** Fails with {@link MetadataError#UNKNOWN_TOPIC} unless a topic called {@code name} exists. */
  static Optional<CommandResult.Failure> exists(TopicsImage topics, String name) {
    return topics.contains(name)
        ? Optional.empty()
        : Optional.of(failure(MetadataError.UNKNOWN_TOPIC, "Topic '" + name + "' does not exist."));
  }
}
