package io.watershed.core.metadata;

import static io.watershed.core.metadata.CommandResult.failure;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** Rules and state change for {@link AlterTopicConfigs}. */
final class AlterTopicConfigsApplier implements CommandApplier<AlterTopicConfigs> {

  @Override
  public Optional<CommandResult.Failure> validate(
      AlterTopicConfigs command, TopicConfigValidator configRules) {
    return checkShape(command).or(() -> TopicChecks.configValues(command.set(), configRules));
  }

  @Override
  public ApplyOutcome apply(MetadataImage image, long index, AlterTopicConfigs command) {
    TopicsImage topics = image.topics();
    Optional<CommandResult.Failure> rejection =
        checkShape(command).or(() -> TopicChecks.exists(topics, command.name()));
    if (rejection.isPresent()) {
      return ApplyOutcome.rejected(image, rejection.get());
    }
    TopicMetadata topic = topics.topic(command.name()).orElseThrow();
    Map<String, String> configs = new TreeMap<>(topic.configs());
    configs.putAll(command.set());
    configs.keySet().removeAll(command.remove());
    return ApplyOutcome.success(image.withTopics(topics.with(topic.withConfigs(configs))));
  }

  private static Optional<CommandResult.Failure> checkShape(AlterTopicConfigs command) {
    return TopicChecks.name(command.name())
        .or(() -> TopicChecks.configKeys(command.set().keySet()))
        .or(() -> TopicChecks.configKeys(command.remove()))
        .or(() -> checkNoKeyIsBothSetAndRemoved(command));
  }

  private static Optional<CommandResult.Failure> checkNoKeyIsBothSetAndRemoved(
      AlterTopicConfigs command) {
    TreeSet<String> both = new TreeSet<>(command.set().keySet());
    both.retainAll(command.remove());
    return both.isEmpty()
        ? Optional.empty()
        : Optional.of(
            failure(
                MetadataError.INVALID_CONFIG,
                "Configurations " + both + " are both set and removed; choose one."));
  }
}
