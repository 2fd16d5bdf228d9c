package io.watershed.kinesis.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorLog;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.coordinator.CoordinatorThreads;
import io.watershed.core.coordinator.CoordinatorTopic;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog on the coordinator runtime: restarts, failed writes, the old file's migration. */
class KinesisCatalogTest {
  @TempDir Path dir;

  private TopicStore topics;
  private CoordinatorRuntime runtime;
  private final List<FailingCoordinatorLog> logs = new ArrayList<>();

  private KinesisCatalog open() throws IOException {
    close();
    topics = TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
    CoordinatorConfig config = CoordinatorConfig.DEFAULTS.withShards(2);
    logs.clear();
    for (CoordinatorLog log : CoordinatorTopic.open(topics, config)) {
      logs.add(new FailingCoordinatorLog(log));
    }
    CoordinatorThreads threads = CoordinatorThreads.defaults();
    runtime =
        CoordinatorRuntime.create(List.copyOf(logs), config, i -> threads.newScheduler(), threads);
    return KinesisCatalog.open(runtime, dir.resolve("kinesis"));
  }

  @AfterEach
  void close() throws IOException {
    if (runtime != null) {
      runtime.close();
      runtime = null;
    }
    if (topics != null) {
      topics.close();
      topics = null;
    }
  }

  private static StreamEntry stream(String name, int shards) {
    TreeMap<String, String> tags = new TreeMap<>();
    tags.put("team", "data");
    return StreamEntry.create(name, shards, "PROVISIONED", 24, 1_700_000_000_000L, true)
        .with(
            b -> {
              b.topicId = UUID.randomUUID();
              b.status = StreamEntry.ACTIVE;
              b.tags = tags;
              b.consumers = List.of(new ConsumerEntry("app", 1_700_000_000_500L, tags));
            });
  }

  @Test
  void entriesSurviveARestart() throws IOException {
    KinesisCatalog catalog = open();
    StreamEntry orders = stream("orders", 3);
    catalog.put(orders);
    catalog.put(stream("gone", 1));
    catalog.remove("gone");
    StreamEntry back = open().entry("orders").orElseThrow();
    assertThat(back).isEqualTo(orders);
    assertThat(back.shards().get(2).endingHashKey())
        .isEqualTo(BigInteger.TWO.pow(128).subtract(BigInteger.ONE));
    assertThat(open().entries()).containsOnlyKeys("orders");
  }

  @Test
  void aFailedWriteChangesNothing() throws IOException {
    KinesisCatalog catalog = open();
    StreamEntry orders = stream("orders", 1);
    catalog.put(orders);
    logs.forEach(l -> l.failing = true);
    assertThatThrownBy(() -> catalog.put(stream("other", 2)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("No space left on device");
    assertThatThrownBy(
            () -> catalog.update("orders", (current, all) -> current.withStatus("DELETING")))
        .isInstanceOf(IOException.class);
    assertThat(catalog.entries()).containsExactly(Map.entry("orders", orders));
    assertThat(catalog.shardEntries()).isEqualTo(Map.of("orders", orders));
    logs.forEach(l -> l.failing = false);
    catalog.put(stream("later", 1));
    assertThat(open().entries()).containsOnlyKeys("orders", "later");
  }

  @Test
  void concurrentChangesSeeTheChangesBeforeThemEvenInOneGroupCommit() throws Exception {
    KinesisCatalog catalog = open();
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger created = new AtomicInteger();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        all.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    start.await();
                    catalog.update(
                        "once",
                        (current, entries) -> {
                          if (current != null) {
                            throw new IllegalStateException("exists");
                          }
                          created.incrementAndGet();
                          return stream("once", 1);
                        });
                  } catch (IllegalStateException expected) {
                    // Another thread created it first.
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                },
                pool));
      }
      start.countDown();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    } finally {
      pool.shutdownNow();
    }
    assertThat(created).hasValue(1);
    assertThat(open().entries()).containsOnlyKeys("once");
  }

  @Test
  void theOldFileIsMovedOntoTheRuntimeOnceAndKeptAsABackup() throws IOException {
    StreamEntry a = stream("a", 2);
    StreamEntry b = stream("b", 1).withStatus(StreamEntry.UPDATING);
    Path file = writeLegacy(List.of(a, b));
    KinesisCatalog catalog = open();
    assertThat(catalog.entries()).containsExactly(Map.entry("a", a), Map.entry("b", b));
    assertThat(file).doesNotExist();
    assertThat(file.resolveSibling("streams.json.migrated")).exists();
    catalog.remove("a");
    assertThat(open().entries()).as("not migrated twice").containsOnlyKeys("b");
  }

  @Test
  void aMigrationInterruptedBeforeTheRenameIsRepeated() throws IOException {
    KinesisCatalog catalog = open();
    // As if a crash came after these were written but before the file was renamed.
    catalog.put(stream("a", 1));
    catalog.put(stream("not-in-file", 1));
    StreamEntry a = stream("a", 3);
    writeLegacy(List.of(a));
    assertThat(open().entries()).containsExactly(Map.entry("a", a));
  }

  @Test
  void aDamagedOldFileStopsTheOpenAndIsLeftAlone() throws IOException {
    Path file = writeLegacy(List.of(stream("a", 1)));
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(this::open)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unreadable");
    assertThat(file).exists();
  }

  @Test
  void recordsRoundTripAndRefuseOtherVersions() {
    StreamEntry s = stream("orders", 4);
    var r = CatalogRecords.put(s);
    assertThat(CatalogRecords.decode(r.key(), r.value())).isEqualTo(s);
    byte[] v2 =
        new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)
            .replace("\"v\":1", "\"v\":2")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThatThrownBy(() -> CatalogRecords.decode(r.key(), v2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown version");
    assertThatThrownBy(() -> CatalogRecords.decode(CatalogRecords.key("other"), r.value()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Path writeLegacy(List<StreamEntry> streams) throws IOException {
    ObjectNode root = StreamEntryJson.JSON.createObjectNode();
    root.put("version", 1);
    ArrayNode list = root.putArray("streams");
    for (StreamEntry s : streams) {
      StreamEntryJson.encode(s, list.addObject());
    }
    Path file = dir.resolve("kinesis").resolve("streams.json");
    Files.createDirectories(file.getParent());
    Files.write(
        file, StreamEntryJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    return file;
  }
}
