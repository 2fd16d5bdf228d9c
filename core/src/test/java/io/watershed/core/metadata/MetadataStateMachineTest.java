package io.watershed.core.metadata;

import static io.watershed.core.metadata.Commands.alter;
import static io.watershed.core.metadata.Commands.create;
import static io.watershed.core.metadata.Commands.delete;
import static io.watershed.core.metadata.Commands.grow;
import static io.watershed.core.metadata.Commands.idOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MetadataStateMachineTest {

  /** Refuses any value "bad", as the log engine would refuse an unparsable number. */
  private static final TopicConfigValidator NO_BAD_VALUES =
      (key, value) -> value.equals("bad") ? Optional.of("not a value") : Optional.empty();

  private final MetadataStateMachine machine = new MetadataStateMachine(NO_BAD_VALUES);
  private long nextIndex = 1;

  private CommandResult apply(MetadataCommand command) {
    return machine.apply(nextIndex++, command);
  }

  private TopicMetadata topic(String name) {
    return machine.image().topics().topic(name).orElseThrow();
  }

  private static void assertFailure(CommandResult result, MetadataError error, String text) {
    assertThat(result).isInstanceOf(CommandResult.Failure.class);
    CommandResult.Failure failure = (CommandResult.Failure) result;
    assertThat(failure.error()).isEqualTo(error);
    assertThat(failure.message()).contains(text);
  }

  @Nested
  class CreateTopicCommand {

    @Test
    void createsTheTopicWithEverythingTheCommandCarries() {
      UUID id = UUID.randomUUID();
      CommandResult result =
          apply(new CreateTopic("orders", 3, Map.of("retention.ms", "1000"), id));

      assertThat(result.isSuccess()).isTrue();
      assertThat(topic("orders"))
          .isEqualTo(new TopicMetadata("orders", id, 3, Map.of("retention.ms", "1000"), 1));
      assertThat(machine.image().topics().topicById(id)).contains(topic("orders"));
      assertThat(machine.lastAppliedIndex()).isEqualTo(1);
    }

    @Test
    void refusesANameInUse() {
      apply(create("orders", 3));
      CommandResult result = apply(new CreateTopic("orders", 5, Map.of(), UUID.randomUUID()));

      assertFailure(result, MetadataError.TOPIC_ALREADY_EXISTS, "'orders' already exists");
      assertThat(topic("orders").partitionCount()).isEqualTo(3);
    }

    @Test
    void refusesAnIdInUseAndTheNilId() {
      apply(create("orders", 3));

      assertFailure(
          apply(new CreateTopic("payments", 1, Map.of(), idOf("orders"))),
          MetadataError.INVALID_TOPIC_ID,
          "already belongs to topic 'orders'");
      assertFailure(
          apply(new CreateTopic("payments", 1, Map.of(), new UUID(0, 0))),
          MetadataError.INVALID_TOPIC_ID,
          "nil UUID");
      assertThat(machine.image().topics().contains("payments")).isFalse();
    }

    @Test
    void refusesBadNamesAndPartitionCounts() {
      assertFailure(apply(create("a/b", 1)), MetadataError.INVALID_TOPIC_NAME, "a/b");
      assertFailure(apply(create("..", 1)), MetadataError.INVALID_TOPIC_NAME, "\"..\"");
      assertFailure(apply(create("orders", 0)), MetadataError.INVALID_PARTITIONS, "got 0");
      assertFailure(
          apply(create("orders", TopicRules.MAX_PARTITIONS + 1)),
          MetadataError.INVALID_PARTITIONS,
          "between 1 and 10000");
      assertThat(machine.image().topics().size()).isZero();
    }

    @Test
    void validateConsultsTheConfigRulesButApplyDoesNot() {
      CreateTopic command = create("orders", 1, Map.of("retention.ms", "bad"));

      Optional<CommandResult.Failure> refusal = machine.validate(command);
      assertThat(refusal).isPresent();
      assertThat(refusal.get().error()).isEqualTo(MetadataError.INVALID_CONFIG);
      assertThat(refusal.get().message()).contains("retention.ms").contains("not a value");

      // A command already in the log replays the same whatever today's config rules say.
      assertThat(apply(command).isSuccess()).isTrue();
    }

    @Test
    void aValidatorThatThrowsRefusesTheValue() {
      MetadataStateMachine strict =
          new MetadataStateMachine((key, value) -> Optional.of("" + Long.parseLong(value)));

      Optional<CommandResult.Failure> refusal =
          strict.validate(create("orders", 1, Map.of("retention.ms", "soon")));

      assertThat(refusal).map(CommandResult.Failure::error).contains(MetadataError.INVALID_CONFIG);
      assertThat(refusal.get().message()).contains("soon");
    }
  }

  @Nested
  class DeleteTopicCommand {

    @Test
    void removesTheTopicAndFreesItsName() {
      apply(create("orders", 3));

      assertThat(apply(delete("orders")).isSuccess()).isTrue();
      assertThat(machine.image().topics().contains("orders")).isFalse();
      assertThat(machine.image().topics().containsId(idOf("orders"))).isFalse();

      UUID newId = UUID.randomUUID();
      assertThat(apply(new CreateTopic("orders", 1, Map.of(), newId)).isSuccess()).isTrue();
      assertThat(topic("orders").topicId()).isEqualTo(newId);
      assertThat(topic("orders").createdAtIndex()).isEqualTo(3);
    }

    @Test
    void refusesAnUnknownTopicAndABadName() {
      assertFailure(
          apply(delete("orders")), MetadataError.UNKNOWN_TOPIC, "'orders' does not exist");
      assertFailure(apply(delete("")), MetadataError.INVALID_TOPIC_NAME, "empty");
    }
  }

  @Nested
  class AlterTopicConfigsCommand {

    @Test
    void setsReplacesAndRemovesOverridesLeavingOthersAlone() {
      apply(create("orders", 1, Map.of("a", "1", "b", "2", "c", "3")));

      CommandResult result = apply(alter("orders", Map.of("a", "10", "d", "4"), Set.of("b", "z")));

      assertThat(result.isSuccess()).isTrue();
      assertThat(topic("orders").configs()).isEqualTo(Map.of("a", "10", "c", "3", "d", "4"));
      assertThat(topic("orders").configs().keySet()).containsExactly("a", "c", "d");
    }

    @Test
    void refusesAKeyBothSetAndRemoved() {
      apply(create("orders", 1, Map.of("a", "1")));

      assertFailure(
          apply(alter("orders", Map.of("a", "2"), Set.of("a"))),
          MetadataError.INVALID_CONFIG,
          "[a]");
      assertThat(topic("orders").configs()).isEqualTo(Map.of("a", "1"));
    }

    @Test
    void refusesAnUnknownTopicAndEmptyKeys() {
      assertFailure(
          apply(alter("orders", Map.of("a", "1"), Set.of())),
          MetadataError.UNKNOWN_TOPIC,
          "orders");
      apply(create("orders", 1));
      assertFailure(
          apply(alter("orders", Map.of("", "1"), Set.of())), MetadataError.INVALID_CONFIG, "empty");
      assertFailure(
          apply(alter("orders", Map.of(), Set.of(""))), MetadataError.INVALID_CONFIG, "empty");
    }

    @Test
    void validateConsultsTheConfigRulesForSetValues() {
      Optional<CommandResult.Failure> refusal =
          machine.validate(alter("orders", Map.of("cleanup.policy", "bad"), Set.of()));

      assertThat(refusal).map(CommandResult.Failure::error).contains(MetadataError.INVALID_CONFIG);
    }
  }

  @Nested
  class CreatePartitionsCommand {

    @Test
    void raisesThePartitionCount() {
      apply(create("orders", 3));

      assertThat(apply(grow("orders", 8)).isSuccess()).isTrue();
      assertThat(topic("orders").partitionCount()).isEqualTo(8);
      assertThat(topic("orders").createdAtIndex()).isEqualTo(1);
    }

    @Test
    void refusesToShrinkOrStayAndToExceedTheLimit() {
      apply(create("orders", 3));

      assertFailure(apply(grow("orders", 3)), MetadataError.INVALID_PARTITIONS, "can only grow");
      assertFailure(apply(grow("orders", 2)), MetadataError.INVALID_PARTITIONS, "has 3 partitions");
      assertFailure(
          apply(grow("orders", TopicRules.MAX_PARTITIONS + 1)),
          MetadataError.INVALID_PARTITIONS,
          "10001");
      assertThat(topic("orders").partitionCount()).isEqualTo(3);
    }

    @Test
    void refusesAnUnknownTopic() {
      assertFailure(apply(grow("orders", 3)), MetadataError.UNKNOWN_TOPIC, "orders");
    }
  }

  @Test
  void aRejectedCommandStillAdvancesTheIndexAndChangesNothingElse() {
    apply(create("orders", 3));
    TopicsImage before = machine.image().topics();

    apply(delete("missing"));

    assertThat(machine.lastAppliedIndex()).isEqualTo(2);
    assertThat(machine.image().topics()).isSameAs(before);
  }

  @Test
  void indexesMustIncreaseButMayHaveGaps() {
    machine.apply(5, create("orders", 1));
    machine.apply(9, create("payments", 1));

    assertThat(machine.lastAppliedIndex()).isEqualTo(9);
    assertThatThrownBy(() -> machine.apply(9, delete("orders")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not after the last applied index 9");
  }

  @Test
  void readersKeepTheImageTheyReadWhileNewOnesArePublished() {
    apply(create("orders", 3));
    MetadataImage held = machine.image();

    apply(delete("orders"));

    assertThat(held.topics().contains("orders")).isTrue();
    assertThat(machine.image().topics().contains("orders")).isFalse();
    assertThat(held.topics().byName()).isUnmodifiable();
  }

  @Test
  void theSameCommandsGiveTheSameImageAndResults() {
    List<MetadataCommand> commands =
        List.of(
            create("orders", 3, Map.of("a", "1")),
            create("orders", 4),
            grow("orders", 6),
            create("payments", 1),
            alter("payments", Map.of("b", "2"), Set.of()),
            delete("orders"),
            grow("orders", 9));
    MetadataStateMachine other = new MetadataStateMachine(TopicConfigValidator.acceptAll());

    for (int i = 0; i < commands.size(); i++) {
      assertThat(other.apply(i + 1, commands.get(i)))
          .isEqualTo(machine.apply(i + 1, commands.get(i)));
    }
    assertThat(other.image()).isEqualTo(machine.image());
  }

  @Test
  void snapshotAndReinitializeCarryTheWholeState() throws Exception {
    apply(create("orders", 3, Map.of("a", "1")));
    apply(create("payments", 2));
    MetadataImage[] written = new MetadataImage[1];

    long index = machine.takeSnapshot(image -> written[0] = image);
    MetadataStateMachine restored = new MetadataStateMachine(NO_BAD_VALUES);
    restored.reinitialize(written[0]);

    assertThat(index).isEqualTo(2);
    assertThat(restored.image()).isEqualTo(machine.image());
    assertThat(restored.apply(3, delete("orders")).isSuccess()).isTrue();
  }
}
