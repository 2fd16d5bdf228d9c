package io.watershed.core.metadata;

import static io.watershed.core.metadata.CommandResult.failure;

import io.watershed.core.group.PartitionOffset;
import java.util.Optional;

/** Rules and state change for {@link CommitOffsets}. */
final class CommitOffsetsApplier implements CommandApplier<CommitOffsets> {

  @Override
  public Optional<CommandResult.Failure> validate(
      CommitOffsets command, TopicConfigValidator configRules) {
    return checkNames(command);
  }

  @Override
  public ApplyOutcome apply(MetadataImage image, long index, CommitOffsets command) {
    Optional<CommandResult.Failure> rejection =
        checkNames(command).or(() -> checkPartitionsExist(image.topics(), command));
    if (rejection.isPresent()) {
      return ApplyOutcome.rejected(image, rejection.get());
    }
    return ApplyOutcome.success(
        image.withGroups(image.groups().withOffsets(command.groupId(), command.offsets())));
  }

  private static Optional<CommandResult.Failure> checkNames(CommitOffsets command) {
    for (PartitionOffset offset : command.offsets()) {
      Optional<CommandResult.Failure> bad = TopicChecks.name(offset.topic());
      if (bad.isPresent()) {
        return bad;
      }
    }
    return Optional.empty();
  }

  /**
   * Offsets only for partitions that exist: a commit racing with the deletion of its topic must not
   * bring the topic's offsets back after the deletion removed them.
   */
  private static Optional<CommandResult.Failure> checkPartitionsExist(
      TopicsImage topics, CommitOffsets command) {
    for (PartitionOffset offset : command.offsets()) {
      Optional<TopicMetadata> topic = topics.topic(offset.topic());
      if (topic.isEmpty()) {
        return Optional.of(
            failure(MetadataError.UNKNOWN_TOPIC, "Topic '" + offset.topic() + "' does not exist."));
      }
      if (offset.partition() >= topic.get().partitionCount()) {
        return Optional.of(
            failure(
                MetadataError.INVALID_PARTITIONS,
                "Topic '"
                    + offset.topic()
                    + "' has "
                    + topic.get().partitionCount()
                    + " partitions; there is no partition "
                    + offset.partition()
                    + "."));
      }
    }
    return Optional.empty();
  }
}
