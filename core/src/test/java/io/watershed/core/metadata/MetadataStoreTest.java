package io.watershed.core.metadata;

import static io.watershed.core.metadata.Commands.alter;
import static io.watershed.core.metadata.Commands.create;
import static io.watershed.core.metadata.Commands.delete;
import static io.watershed.core.metadata.Commands.grow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {

  private static final TopicConfigValidator NO_BAD_VALUES =
      (key, value) -> value.equals("bad") ? Optional.of("not a value") : Optional.empty();

  /** What the listener heard, in order. */
  record Heard(
      long index,
      MetadataCommand command,
      CommandResult result,
      MetadataImage image,
      String thread) {}

  @TempDir Path dataDir;

  private final List<Heard> heard = new CopyOnWriteArrayList<>();
  private MetadataStore store;

  private MetadataStore open(MetadataStoreOptions options) throws IOException {
    store =
        MetadataStore.open(
            dataDir,
            options,
            NO_BAD_VALUES,
            (index, command, result, image) ->
                heard.add(
                    new Heard(index, command, result, image, Thread.currentThread().getName())));
    return store;
  }

  private MetadataStore open() throws IOException {
    return open(MetadataStoreOptions.defaults());
  }

  private MetadataStore reopen() throws IOException {
    store.close();
    return open(MetadataStoreOptions.defaults());
  }

  private CommandResult submit(MetadataCommand command) throws Exception {
    return store.submit(command).get();
  }

  private Path metadataDir() {
    return dataDir.resolve("metadata");
  }

  private List<String> files(String suffix) throws IOException {
    try (Stream<Path> paths = Files.list(metadataDir())) {
      return paths
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(suffix))
          .sorted()
          .toList();
    }
  }

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void anAcknowledgedCommandIsInTheImageAndWasHeardOnTheWriterThreadFirst() throws Exception {
    open();

    CommandResult result = submit(create("orders", 3, Map.of("retention.ms", "1000")));

    assertThat(result.isSuccess()).isTrue();
    assertThat(store.image().topics().topic("orders").orElseThrow().partitionCount()).isEqualTo(3);
    assertThat(heard).hasSize(1);
    Heard first = heard.get(0);
    assertThat(first.index()).isEqualTo(1);
    assertThat(first.command()).isEqualTo(create("orders", 3, Map.of("retention.ms", "1000")));
    assertThat(first.result()).isEqualTo(result);
    assertThat(first.image().topics().contains("orders")).isTrue();
    assertThat(first.thread()).isEqualTo("watershed-metadata-writer");
  }

  @Test
  void everyCommandTypeWorksThroughTheStore() throws Exception {
    open();

    assertThat(submit(create("orders", 1)).isSuccess()).isTrue();
    assertThat(submit(grow("orders", 4)).isSuccess()).isTrue();
    assertThat(submit(alter("orders", Map.of("cleanup.policy", "compact"), Set.of())).isSuccess())
        .isTrue();
    TopicMetadata orders = store.image().topics().topic("orders").orElseThrow();
    assertThat(orders.partitionCount()).isEqualTo(4);
    assertThat(orders.configs()).containsEntry("cleanup.policy", "compact");
    assertThat(submit(delete("orders")).isSuccess()).isTrue();
    assertThat(store.image().topics().size()).isZero();
    assertThat(store.image().lastAppliedIndex()).isEqualTo(4);
  }

  @Test
  void aCommandThatBreaksTheRulesIsRefusedWithoutBeingLogged() throws Exception {
    open();

    CommandResult badName = submit(create("no spaces", 1));
    CommandResult badConfig = submit(create("orders", 1, Map.of("retention.ms", "bad")));

    assertThat(badName).isInstanceOf(CommandResult.Failure.class);
    assertThat(((CommandResult.Failure) badName).error())
        .isEqualTo(MetadataError.INVALID_TOPIC_NAME);
    assertThat(((CommandResult.Failure) badConfig).error()).isEqualTo(MetadataError.INVALID_CONFIG);
    assertThat(heard).isEmpty();
    assertThat(submit(create("orders", 1)).isSuccess()).isTrue();
    assertThat(heard.get(0).index()).isEqualTo(1);
  }

  @Test
  void aCommandRefusedByTheStateIsLoggedAndHeard() throws Exception {
    open();

    CommandResult result = submit(delete("orders"));

    assertThat(((CommandResult.Failure) result).error()).isEqualTo(MetadataError.UNKNOWN_TOPIC);
    assertThat(heard).extracting(Heard::index).containsExactly(1L);
    assertThat(store.image().lastAppliedIndex()).isEqualTo(1);
  }

  @Test
  void refusesACommandTooLargeForTheLog() throws Exception {
    open();

    CommandResult result =
        submit(create("orders", 1, Map.of("k", "v".repeat(MetadataStore.MAX_COMMAND_BYTES))));

    assertThat(((CommandResult.Failure) result).error()).isEqualTo(MetadataError.COMMAND_TOO_LARGE);
    assertThat(store.image().lastAppliedIndex()).isZero();
  }

  @Test
  void stateSurvivesCloseAndReopenThroughTheCloseSnapshot() throws Exception {
    open();
    submit(create("orders", 3, Map.of("a", "1")));
    submit(create("payments", 2));
    submit(grow("orders", 5));
    MetadataImage before = store.image();

    reopen();

    assertThat(files(".snapshot")).containsExactly("snapshot-00000000000000000003.snapshot");
    assertThat(store.image()).isEqualTo(before);
    assertThat(submit(delete("payments")).isSuccess()).isTrue();
    assertThat(heard.get(heard.size() - 1).index()).isEqualTo(4);
  }

  @Test
  void stateSurvivesReopenFromTheCommandLogAlone() throws Exception {
    open();
    submit(create("orders", 3, Map.of("a", "1")));
    submit(alter("orders", Map.of("b", "2"), Set.of("a")));
    submit(create("payments", 2));
    submit(delete("payments"));
    MetadataImage before = store.image();
    store.close();
    for (String snapshot : files(".snapshot")) {
      Files.delete(metadataDir().resolve(snapshot));
    }

    open();

    assertThat(store.image()).isEqualTo(before);
  }

  @Test
  void snapshotsEveryIntervalAndKeepsOnlyWhatRecoveryNeeds() throws Exception {
    open(MetadataStoreOptions.defaults().withSnapshotInterval(5));
    for (int i = 0; i < 23; i++) {
      submit(create("topic-" + i, 1));
    }
    MetadataImage before = store.image();

    assertThat(store.counters()).isEqualTo(new MetadataStoreCounters(23, 23, 4));
    // Sequential submits make one-command batches, so snapshots land on multiples of five.
    assertThat(files(".snapshot"))
        .containsExactly(
            "snapshot-00000000000000000015.snapshot", "snapshot-00000000000000000020.snapshot");
    // The log reaches back to the entry after the older snapshot.
    assertThat(files(".log"))
        .containsExactly("commands-00000000000000000016.log", "commands-00000000000000000021.log");

    reopen();

    assertThat(store.image()).isEqualTo(before);
    assertThat(files(".snapshot"))
        .containsExactly(
            "snapshot-00000000000000000020.snapshot", "snapshot-00000000000000000023.snapshot");
    assertThat(files(".log"))
        .containsExactly("commands-00000000000000000021.log", "commands-00000000000000000024.log");
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheStore() throws Exception {
    store =
        MetadataStore.open(
            dataDir,
            NO_BAD_VALUES,
            (index, command, result, image) -> {
              throw new IllegalStateException("listener bug");
            });
    try (LogCapture log = LogCapture.of(MetadataWriter.class)) {
      assertThat(submit(create("orders", 1)).isSuccess()).isTrue();
      assertThat(submit(create("payments", 1)).isSuccess()).isTrue();
      assertThat(log.warnings()).hasSize(2).allMatch(m -> m.contains("listener failed"));
    }
    assertThat(store.image().topics().size()).isEqualTo(2);
  }

  @Test
  void aClosedStoreRefusesCommandsAndClosingTwiceIsHarmless() throws Exception {
    open();
    store.close();

    CompletableFuture<CommandResult> late = store.submit(create("orders", 1));

    assertThatThrownBy(late::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    store.close();
  }

  @Test
  void twoStoresCannotShareADirectory() throws Exception {
    open();

    assertThatThrownBy(() -> MetadataStore.open(dataDir, NO_BAD_VALUES, (i, c, r, m) -> {}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("in use");
  }
}
