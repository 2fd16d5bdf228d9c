package io.watershed.core.metadata;

import java.util.Optional;

/**
 * Rules and state change for {@link PutClassicGroup}. The membership record checks its own
 * invariants when it is built, so a command that exists can always be applied.
 */
final class PutClassicGroupApplier implements CommandApplier<PutClassicGroup> {

  @Override
  public Optional<CommandResult.Failure> validate(
      PutClassicGroup command, TopicConfigValidator configRules) {
    return Optional.empty();
  }

  @Override
  public ApplyOutcome apply(MetadataImage image, long index, PutClassicGroup command) {
    return ApplyOutcome.success(
        image.withGroups(image.groups().withMembership(command.groupId(), command.membership())));
  }
}
