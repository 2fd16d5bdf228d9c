package io.watershed.core.metadata;

import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.group.GroupImage;
import io.watershed.core.group.GroupMembership;
import java.util.Optional;

/**
 * Rules and state change for {@link UpdateConsumerGroup}. The command checks its epochs when it is
 * built, so a command that exists can always be applied.
 */
final class UpdateConsumerGroupApplier implements CommandApplier<UpdateConsumerGroup> {

  @Override
  public Optional<CommandResult.Failure> validate(
      UpdateConsumerGroup command, TopicConfigValidator configRules) {
    return Optional.empty();
  }

  @Override
  public ApplyOutcome apply(MetadataImage image, long index, UpdateConsumerGroup command) {
    ConsumerGroupMembership before =
        image
            .groups()
            .group(command.groupId())
            .flatMap(GroupImage::membership)
            .map(UpdateConsumerGroupApplier::asConsumerGroup)
            .orElse(ConsumerGroupMembership.EMPTY);
    ConsumerGroupMembership after =
        before.updated(
            command.groupEpoch(),
            command.assignmentEpoch(),
            command.upserts(),
            command.removedMemberIds());
    return ApplyOutcome.success(
        image.withGroups(image.groups().withMembership(command.groupId(), after)));
  }

  /** A classic record is replaced: the group changed protocol while it had no members. */
  private static ConsumerGroupMembership asConsumerGroup(GroupMembership membership) {
    return membership instanceof ConsumerGroupMembership c ? c : ConsumerGroupMembership.EMPTY;
  }
}
