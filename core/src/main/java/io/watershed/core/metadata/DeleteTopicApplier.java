package io.watershed.core.metadata;

import java.util.Optional;

/** Rules and state change for {@link DeleteTopic}. */
final class DeleteTopicApplier implements CommandApplier<DeleteTopic> {

  @Override
  public Optional<CommandResult.Failure> validate(
      DeleteTopic command, TopicConfigValidator configRules) {
    return TopicChecks.name(command.name());
  }

  @Override
  public ApplyOutcome apply(MetadataImage image, long index, DeleteTopic command) {
    TopicsImage topics = image.topics();
    Optional<CommandResult.Failure> rejection =
        TopicChecks.name(command.name()).or(() -> TopicChecks.exists(topics, command.name()));
    if (rejection.isPresent()) {
      return ApplyOutcome.rejected(image, rejection.get());
    }
    // The topic's committed offsets go with it, so that a new topic of the same name starts with
    // none.
    return ApplyOutcome.success(
        image
            .withTopics(topics.without(command.name()))
            .withGroups(image.groups().withoutTopic(command.name())));
  }
}
