package io.watershed.core.metadata;

import static io.watershed.core.metadata.CommandResult.failure;

import java.util.Optional;

/** Rules and state change for {@link CreatePartitions}. */
final class CreatePartitionsApplier implements CommandApplier<CreatePartitions> {

  @Override
  public Optional<CommandResult.Failure> validate(
      CreatePartitions command, TopicConfigValidator configRules) {
    return checkShape(command);
  }

  @Override
  public ApplyOutcome apply(MetadataImage image, long index, CreatePartitions command) {
    TopicsImage topics = image.topics();
    Optional<CommandResult.Failure> rejection =
        checkShape(command).or(() -> TopicChecks.exists(topics, command.name()));
    if (rejection.isPresent()) {
      return ApplyOutcome.rejected(image, rejection.get());
    }
    TopicMetadata topic = topics.topic(command.name()).orElseThrow();
    Optional<CommandResult.Failure> shrink = checkGrows(topic, command);
    if (shrink.isPresent()) {
      return ApplyOutcome.rejected(image, shrink.get());
    }
    return ApplyOutcome.success(
        image.withTopics(topics.with(topic.withPartitionCount(command.newPartitionCount()))));
  }

  private static Optional<CommandResult.Failure> checkShape(CreatePartitions command) {
    return TopicChecks.name(command.name())
        .or(() -> TopicChecks.partitionCount(command.newPartitionCount()));
  }

  private static Optional<CommandResult.Failure> checkGrows(
      TopicMetadata topic, CreatePartitions command) {
    if (command.newPartitionCount() > topic.partitionCount()) {
      return Optional.empty();
    }
    return Optional.of(
        failure(
            MetadataError.INVALID_PARTITIONS,
            "Topic '"
                + topic.name()
                + "' has "
                + topic.partitionCount()
                + " partitions; the count can only grow, so "
                + command.newPartitionCount()
                + " is not allowed."));
  }
}
