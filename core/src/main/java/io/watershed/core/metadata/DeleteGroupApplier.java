package io.watershed.core.metadata;

import java.util.Optional;

/** Rules and state change for {@link DeleteGroup}. */
final class DeleteGroupApplier implements CommandApplier<DeleteGroup> {

  @Override
  public Optional<CommandResult.Failure> validate(
      DeleteGroup command, TopicConfigValidator configRules) {
    return Optional.empty();
  }

  @Override
  public ApplyOutcome apply(MetadataImage image, long index, DeleteGroup command) {
    return ApplyOutcome.success(image.withGroups(image.groups().withoutGroup(command.groupId())));
  }
}
