package io.watershed.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.group.CommittedOffset;
import io.watershed.core.group.PartitionKey;
import io.watershed.core.group.PartitionOffset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Random command sequences, with restarts in between, give the store the same results and the same
 * image as {@link MetadataModel}.
 */
class MetadataStorePropertyTest {

  private static final TopicConfigValidator NO_BAD_VALUES =
      (key, value) -> value.equals("bad") ? Optional.of("not a value") : Optional.empty();

  /** One step of a scenario: a few commands, or a close and reopen of the store. */
  sealed interface Step permits Submit, Reopen {}

  record Submit(List<MetadataCommand> commands) implements Step {}

  /**
   * Closes and reopens the store. Close takes a snapshot, so that reopening replays nothing; losing
   * that newest snapshot before reopening makes the store rebuild from the older snapshot and the
   * command log, as after a crash.
   */
  record Reopen(boolean loseNewestSnapshot) implements Step {}

  @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
  void theStoreAgreesWithTheModelAcrossRestarts(
      @ForAll("scenarios") List<Step> steps, @ForAll @IntRange(min = 1, max = 12) int snapshotEvery)
      throws Exception {
    Path dataDir = Files.createTempDirectory("metadata-property");
    MetadataStoreOptions options =
        MetadataStoreOptions.defaults().withSnapshotInterval(snapshotEvery);
    MetadataModel model = new MetadataModel(NO_BAD_VALUES);
    MetadataStore store = open(dataDir, options);
    try {
      for (Step step : steps) {
        switch (step) {
          case Submit submit -> {
            // Submitted together, so that they may share a group commit; one submitting thread
            // keeps them in order.
            List<CompletableFuture<CommandResult>> futures =
                submit.commands().stream().map(store::submit).toList();
            for (int i = 0; i < futures.size(); i++) {
              MetadataCommand command = submit.commands().get(i);
              Optional<MetadataError> expected = model.apply(command);
              assertThat(errorOf(futures.get(i).get()))
                  .as("result of %s", command)
                  .isEqualTo(expected);
              Statistics.label("results").collect(expected.map(Enum::name).orElse("SUCCESS"));
            }
          }
          case Reopen reopen -> {
            store.close();
            if (reopen.loseNewestSnapshot()) {
              deleteNewestSnapshot(dataDir);
            }
            Statistics.label("reopens")
                .collect(reopen.loseNewestSnapshot() ? "losing the newest snapshot" : "clean");
            store = open(dataDir, options);
          }
        }
        assertThat(store.image().topics().byName()).isEqualTo(model.topics());
        assertThat(MetadataModel.groupsOf(store.image().groups())).isEqualTo(model.groups());
        assertThat(store.image().lastAppliedIndex()).isEqualTo(model.lastIndex());
      }
      store.close();
      store = open(dataDir, options);
      assertThat(store.image().topics().byName()).isEqualTo(model.topics());
      assertThat(MetadataModel.groupsOf(store.image().groups())).isEqualTo(model.groups());
      assertThat(store.image().lastAppliedIndex()).isEqualTo(model.lastIndex());
    } finally {
      store.close();
      deleteRecursively(dataDir);
    }
  }

  @Provide
  Arbitrary<List<Step>> scenarios() {
    Arbitrary<Step> submit = commands().list().ofMinSize(1).ofMaxSize(4).map(Submit::new);
    Arbitrary<Step> reopen = Arbitraries.of(true, false).map(Reopen::new);
    return Arbitraries.frequencyOf(Tuple.of(8, submit), Tuple.of(1, reopen))
        .list()
        .ofMinSize(5)
        .ofMaxSize(30);
  }

  /** Mostly valid commands on a few names, so that topics live long enough to be changed. */
  private Arbitrary<MetadataCommand> commands() {
    Arbitrary<String> names =
        Arbitraries.frequency(
            Tuple.of(8, "orders"),
            Tuple.of(8, "payments"),
            Tuple.of(8, "logs"),
            Tuple.of(1, "bad name"),
            Tuple.of(1, ".."));
    Arbitrary<Integer> counts =
        Arbitraries.frequencyOf(
            Tuple.of(20, Arbitraries.integers().between(1, 12)),
            Tuple.of(1, Arbitraries.of(0, -1, TopicRules.MAX_PARTITIONS + 1)));
    Arbitrary<String> keys =
        Arbitraries.frequency(
            Tuple.of(5, "retention.ms"),
            Tuple.of(5, "cleanup.policy"),
            Tuple.of(5, "segment.bytes"),
            Tuple.of(1, ""));
    Arbitrary<String> values =
        Arbitraries.frequency(Tuple.of(5, "1"), Tuple.of(5, "compact"), Tuple.of(1, "bad"));
    Arbitrary<Map<String, String>> configs = Arbitraries.maps(keys, values).ofMaxSize(2);
    Arbitrary<Set<String>> removals = keys.set().ofMaxSize(2);
    // Mostly fresh ids; sometimes the nil id or one of a few that clash.
    Arbitrary<UUID> ids =
        Arbitraries.frequencyOf(
            Tuple.of(10, Arbitraries.longs().map(bits -> new UUID(7, bits))),
            Tuple.of(1, Arbitraries.of(new UUID(0, 0), new UUID(0, 1), new UUID(0, 2))));

    Arbitrary<MetadataCommand> create =
        Combinators.combine(names, counts, configs, ids).as(CreateTopic::new);
    Arbitrary<MetadataCommand> delete = names.map(DeleteTopic::new);
    Arbitrary<MetadataCommand> alter =
        Combinators.combine(names, configs, removals).as(AlterTopicConfigs::new);
    Arbitrary<MetadataCommand> grow = Combinators.combine(names, counts).as(CreatePartitions::new);
    return Arbitraries.frequencyOf(
        Tuple.of(4, create),
        Tuple.of(1, delete),
        Tuple.of(3, alter),
        Tuple.of(3, grow),
        Tuple.of(6, groupCommands(names)));
  }

  /**
   * Group commands over two groups and the same topic names, so that commits meet existing, missing
   * and deleted topics, and membership records meet offsets.
   */
  private Arbitrary<MetadataCommand> groupCommands(Arbitrary<String> topics) {
    Arbitrary<String> groups = Arbitraries.of("billing", "shipping");
    Arbitrary<Integer> partitions = Arbitraries.integers().between(0, 6);
    Arbitrary<PartitionOffset> offsets =
        Combinators.combine(topics, partitions, Arbitraries.longs().between(0, 1000))
            .as((t, p, o) -> new PartitionOffset(t, p, new CommittedOffset(o, -1, "", 1000 + o)));
    Arbitrary<PartitionKey> keys = Combinators.combine(topics, partitions).as(PartitionKey::new);
    Arbitrary<MetadataCommand> commit =
        Combinators.combine(groups, offsets.list().ofMinSize(1).ofMaxSize(3))
            .as(CommitOffsets::new);
    Arbitrary<MetadataCommand> deleteOffsets =
        Combinators.combine(groups, keys.list().ofMaxSize(3)).as(DeleteOffsets::new);
    Arbitrary<MetadataCommand> deleteGroup = groups.map(DeleteGroup::new);
    Arbitrary<MetadataCommand> putClassic =
        groups.map(g -> new PutClassicGroup(g, GroupExamples.classic()));
    Arbitrary<MetadataCommand> updateConsumer =
        Combinators.combine(groups, Arbitraries.of("m1", "m2"), Arbitraries.of(true, false))
            .as(
                (g, member, remove) ->
                    new UpdateConsumerGroup(
                        g,
                        5,
                        4,
                        remove
                            ? List.of()
                            : List.of(GroupExamples.consumerMember(member, new UUID(7, 7))),
                        remove ? List.of(member) : List.of()));
    return Arbitraries.frequencyOf(
        Tuple.of(6, commit),
        Tuple.of(2, deleteOffsets),
        Tuple.of(1, deleteGroup),
        Tuple.of(1, putClassic),
        Tuple.of(2, updateConsumer));
  }

  private static MetadataStore open(Path dataDir, MetadataStoreOptions options) throws IOException {
    return MetadataStore.open(dataDir, options, NO_BAD_VALUES, (i, c, r, m) -> {});
  }

  private static Optional<MetadataError> errorOf(CommandResult result) {
    return result instanceof CommandResult.Failure failure
        ? Optional.of(failure.error())
        : Optional.empty();
  }

  private static void deleteNewestSnapshot(Path dataDir) throws IOException {
    try (Stream<Path> paths = Files.list(dataDir.resolve(MetadataStore.DIRECTORY))) {
      Optional<Path> newest =
          paths.filter(p -> p.toString().endsWith(".snapshot")).max(Comparator.naturalOrder());
      if (newest.isPresent()) {
        Files.delete(newest.get());
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
