package io.watershed.core.metadata;

import static io.watershed.core.metadata.Commands.alter;
import static io.watershed.core.metadata.Commands.create;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreConcurrencyTest {

  private static final int THREADS = 8;
  private static final int TOPICS_PER_THREAD = 60;

  @TempDir Path dataDir;

  @Test
  @Timeout(30)
  void everyAcknowledgedCommandFromManyThreadsSurvivesReopenWithContiguousIndexes()
      throws Exception {
    List<Long> heardIndexes = new CopyOnWriteArrayList<>();
    MetadataStore store =
        MetadataStore.open(
            dataDir,
            MetadataStoreOptions.defaults().withSnapshotInterval(200),
            TopicConfigValidator.acceptAll(),
            (index, command, result, image) -> heardIndexes.add(index));
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<CommandResult>>> perThread = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      perThread.add(
          pool.submit(
              () -> {
                start.await();
                List<CompletableFuture<CommandResult>> futures = new ArrayList<>();
                for (int i = 0; i < TOPICS_PER_THREAD; i++) {
                  String name = "t" + thread + "-" + i;
                  futures.add(store.submit(create(name, 1 + i % 3)));
                  futures.add(store.submit(alter(name, Map.of("owner", "" + thread), Set.of())));
                }
                return futures.stream().map(CompletableFuture::join).toList();
              }));
    }
    start.countDown();
    for (Future<List<CommandResult>> results : perThread) {
      assertThat(results.get(20, TimeUnit.SECONDS)).allMatch(CommandResult::isSuccess);
    }
    pool.shutdown();
    MetadataImage before = store.image();
    MetadataStoreCounters counters = store.counters();
    store.close();

    long total = 2L * THREADS * TOPICS_PER_THREAD;
    assertThat(heardIndexes)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(before.lastAppliedIndex()).isEqualTo(total);
    assertThat(before.topics().size()).isEqualTo(THREADS * TOPICS_PER_THREAD);
    assertThat(counters.commandsLogged()).isEqualTo(total);
    // Concurrent submitters share fsyncs.
    assertThat(counters.groupCommits()).isLessThan(total / 2);
    try (MetadataStore reopened =
        MetadataStore.open(dataDir, TopicConfigValidator.acceptAll(), (i, c, r, m) -> {})) {
      assertThat(reopened.image()).isEqualTo(before);
      for (int t = 0; t < THREADS; t++) {
        for (int i = 0; i < TOPICS_PER_THREAD; i++) {
          TopicMetadata topic = reopened.image().topics().topic("t" + t + "-" + i).orElseThrow();
          assertThat(topic.partitionCount()).isEqualTo(1 + i % 3);
          assertThat(topic.configs()).isEqualTo(Map.of("owner", "" + t));
        }
      }
    }
  }
}
