package io.watershed.core.metadata;

import java.util.Optional;

/** Rules and state change for {@link DeleteOffsets}. */
final class DeleteOffsetsApplier implements CommandApplier<DeleteOffsets> {

  @Override
  public Optional<CommandResult.Failure> validate(
      DeleteOffsets command, TopicConfigValidator configRules) {
    return Optional.empty();
  }

  @Override
  public ApplyOutcome apply(MetadataImage image, long index, DeleteOffsets command) {
    return ApplyOutcome.success(
        image.withGroups(image.groups().withoutOffsets(command.groupId(), command.partitions())));
  }
}
