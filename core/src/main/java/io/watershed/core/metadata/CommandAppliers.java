package io.watershed.core.metadata;

import java.util.Optional;

/**
 * Binds each command type to its applier. This is the only place that lists command types next to
 * their logic; the switch holds no logic of its own, and because {@link MetadataCommand} is sealed
 * the compiler rejects it until every command type has an applier.
 */
final class CommandAppliers {

  private static final CreateTopicApplier CREATE_TOPIC = new CreateTopicApplier();
  private static final DeleteTopicApplier DELETE_TOPIC = new DeleteTopicApplier();
  private static final AlterTopicConfigsApplier ALTER_TOPIC_CONFIGS =
      new AlterTopicConfigsApplier();
  private static final CreatePartitionsApplier CREATE_PARTITIONS = new CreatePartitionsApplier();
  private static final CommitOffsetsApplier COMMIT_OFFSETS = new CommitOffsetsApplier();
  private static final DeleteOffsetsApplier DELETE_OFFSETS = new DeleteOffsetsApplier();
  private static final DeleteGroupApplier DELETE_GROUP = new DeleteGroupApplier();
  private static final PutClassicGroupApplier PUT_CLASSIC_GROUP = new PutClassicGroupApplier();
  private static final UpdateConsumerGroupApplier UPDATE_CONSUMER_GROUP =
      new UpdateConsumerGroupApplier();

  private CommandAppliers() {}

  /** Returns {@code command} paired with the applier for its type. */
  static Bound<?> bind(MetadataCommand command) {
    return switch (command) {
      case CreateTopic c -> new Bound<>(CREATE_TOPIC, c);
      case DeleteTopic c -> new Bound<>(DELETE_TOPIC, c);
      case AlterTopicConfigs c -> new Bound<>(ALTER_TOPIC_CONFIGS, c);
      case CreatePartitions c -> new Bound<>(CREATE_PARTITIONS, c);
      case CommitOffsets c -> new Bound<>(COMMIT_OFFSETS, c);
      case DeleteOffsets c -> new Bound<>(DELETE_OFFSETS, c);
      case DeleteGroup c -> new Bound<>(DELETE_GROUP, c);
      case PutClassicGroup c -> new Bound<>(PUT_CLASSIC_GROUP, c);
      case UpdateConsumerGroup c -> new Bound<>(UPDATE_CONSUMER_GROUP, c);
    };
  }

  /**
   * A command with the applier for its exact type, so that callers need no casts.
   *
   * @param <C> the command type
   */
  record Bound<C extends MetadataCommand>(CommandApplier<C> applier, C command) {

    Optional<CommandResult.Failure> validate(TopicConfigValidator configRules) {
      return applier.validate(command, configRules);
    }

    ApplyOutcome apply(MetadataImage image, long index) {
      return applier.apply(image, index, command);
    }
  }
}
