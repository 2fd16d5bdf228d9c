package io.watershed.core.metadata;

import static io.watershed.core.metadata.CommandResult.failure;

import java.util.Optional;
import java.util.UUID;

/** Rules and state change for {@link CreateTopic}. */
final class CreateTopicApplier implements CommandApplier<CreateTopic> {

  /** The nil UUID: Kafka's wire protocol uses it to mean "no topic id". */
  private static final UUID NIL = new UUID(0, 0);

  @Override
  public Optional<CommandResult.Failure> validate(
      CreateTopic command, TopicConfigValidator configRules) {
    return checkShape(command).or(() -> TopicChecks.configValues(command.configs(), configRules));
  }

  @Override
  public ApplyOutcome apply(MetadataImage image, long index, CreateTopic command) {
    TopicsImage topics = image.topics();
    Optional<CommandResult.Failure> rejection =
        checkShape(command).or(() -> checkNameAndIdAreFree(topics, command));
    if (rejection.isPresent()) {
      return ApplyOutcome.rejected(image, rejection.get());
    }
    TopicMetadata topic =
        new TopicMetadata(
            command.name(), command.topicId(), command.partitionCount(), command.configs(), index);
    return ApplyOutcome.success(image.withTopics(topics.with(topic)));
  }

  private static Optional<CommandResult.Failure> checkShape(CreateTopic command) {
    return TopicChecks.name(command.name())
        .or(() -> TopicChecks.partitionCount(command.partitionCount()))
        .or(() -> TopicChecks.configKeys(command.configs().keySet()))
        .or(
            () ->
                command.topicId().equals(NIL)
                    ? Optional.of(
                        failure(
                            MetadataError.INVALID_TOPIC_ID, "Topic id must not be the nil UUID."))
                    : Optional.empty());
  }

  private static Optional<CommandResult.Failure> checkNameAndIdAreFree(
      TopicsImage topics, CreateTopic command) {
    if (topics.contains(command.name())) {
      return Optional.of(
          failure(
              MetadataError.TOPIC_ALREADY_EXISTS,
              "Topic '" + command.name() + "' already exists."));
    }
    return topics
        .topicById(command.topicId())
        .map(
            holder ->
                failure(
                    MetadataError.INVALID_TOPIC_ID,
                    "Topic id "
                        + command.topicId()
                        + " already belongs to topic '"
                        + holder.name()
                        + "'."));
  }
}
