package io.watershed.core.coordinator;

import static io.watershed.core.coordinator.KeyValueShard.put;
import static io.watershed.core.coordinator.KeyValueShard.remove;
import static io.watershed.core.coordinator.KeyValueShard.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.metadata.MetadataError;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogConfig;
import io.watershed.log.LogManagerConfig;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime on the real log: the internal topic, restarts, compaction. */
class CoordinatorTopicTest {
  @TempDir Path dir;

  private TopicStore topics() throws Exception {
    return TopicStore.open(dir, LogManagerConfig.defaults(dir));
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void theTopicIsInternalCompactedAndKeepsItsPartitionCount() throws Exception {
    try (TopicStore topics = topics()) {
      CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS.withShards(3)).close();
      TopicMetadata t = topics.describe(CoordinatorTopic.NAME).orElseThrow();
      assertThat(t.partitionCount()).isEqualTo(3);
      LogConfig config = topics.effectiveConfig(t);
      assertThat(config.cleanupPolicy()).isEqualTo("compact");
      assertThat(config.retentionMs()).isEqualTo(-1);
      assertThat(TopicStore.isInternal(CoordinatorTopic.NAME)).isTrue();
      assertThat(TopicStore.refusal(topics.delete(CoordinatorTopic.NAME).handle((r, e) -> e).get()))
          .contains(MetadataError.INTERNAL_TOPIC);
      try (CoordinatorRuntime again =
          CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS.withShards(8))) {
        assertThat(again.shards()).as("a key's shard never moves").isEqualTo(3);
      }
    }
  }

  @Test
  void stateSurvivesARestartAndLoadsBeforeServing() throws Exception {
    SortedMap<String, String> before;
    try (TopicStore topics = topics();
        CoordinatorRuntime runtime = CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS)) {
      CoordinatorNamespace<KeyValueShard> kv = runtime.register("test.kv", KeyValueShard::new);
      List<CompletableFuture<String>> writes = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        String key = "group-" + (i % 40);
        writes.add(kv.write(kv.shardOf(key), put(key, "offset-" + i)));
      }
      for (CompletableFuture<String> w : writes) {
        get(w);
      }
      get(kv.write(kv.shardOf("group-3"), remove("group-3")));
      before = get(kv.read(kv.shardOf("group-7"), snapshot()));
      assertThat(before).containsEntry("group-7", "offset-967").doesNotContainKey("group-3");
      assertThat(runtime.stats().batches())
          .as("group commit: fewer batches than writes")
          .isLessThan(runtime.stats().writes());
    }
    try (TopicStore topics = topics();
        CoordinatorRuntime runtime = CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS)) {
      CoordinatorNamespace<KeyValueShard> kv = runtime.register("test.kv", KeyValueShard::new);
      assertThat(get(kv.write(kv.shardOf("group-7"), put("group-7", "next"))))
          .isEqualTo("offset-967");
      assertThat(get(kv.read(kv.shardOf("group-3"), snapshot()))).doesNotContainKey("group-3");
      SortedMap<String, String> after = get(kv.read(kv.shardOf("group-7"), snapshot()));
      assertThat(after).containsEntry("group-7", "next").hasSize(before.size());
    }
  }

  @Test
  void handlersRunOnTheShardsThreadsNotTheCallers() throws Exception {
    try (TopicStore topics = topics();
        CoordinatorRuntime runtime = CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS)) {
      CoordinatorNamespace<KeyValueShard> kv = runtime.register("test.kv", KeyValueShard::new);
      String handler =
          get(kv.write(0, s -> CoordinatorResult.of(Thread.currentThread().getName())));
      String reader = get(kv.read(1, s -> Thread.currentThread().getName()));
      assertThat(handler).startsWith("coordinator-");
      assertThat(reader).startsWith("coordinator-");
    }
  }

  @Test
  void compactionKeepsTheLatestValueOfEveryKey() throws Exception {
    CoordinatorConfig one = CoordinatorConfig.DEFAULTS.withShards(1);
    SortedMap<String, String> live;
    try (TopicStore topics = topics();
        CoordinatorRuntime runtime = CoordinatorRuntime.open(topics, one)) {
      CoordinatorNamespace<KeyValueShard> kv = runtime.register("test.kv", KeyValueShard::new);
      for (int round = 0; round < 10; round++) {
        List<CompletableFuture<String>> writes = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
          writes.add(kv.write(0, put("k" + k, "round-" + round)));
        }
        for (CompletableFuture<String> w : writes) {
          get(w);
        }
      }
      get(kv.write(0, remove("k0")));
      live = get(kv.read(0, snapshot()));
      PartitionLog log = topics.partition(CoordinatorTopic.NAME, 0).orElseThrow();
      assertThat(records(log)).isEqualTo(501);
      log.roll();
      assertThat(topics.logs().compactNow(CoordinatorTopic.NAME + "-0")).isTrue();
      // The latest of 49 keys, and k0's tombstone until delete.retention.ms has passed.
      assertThat(records(log)).isEqualTo(50);
    }
    try (TopicStore topics = topics();
        CoordinatorRuntime runtime = CoordinatorRuntime.open(topics, one)) {
      CoordinatorNamespace<KeyValueShard> kv = runtime.register("test.kv", KeyValueShard::new);
      assertThat(get(kv.read(0, snapshot()))).isEqualTo(live).hasSize(49);
      assertThat(runtime.stats().recordsReplayed()).isEqualTo(50);
    }
  }

  private static int records(PartitionLog log) throws Exception {
    int n = 0;
    long next = log.logStartOffset();
    while (next < log.logEndOffset()) {
      ByteBuffer b = new PartitionCoordinatorLog(log).read(next, 1 << 20);
      int at = b.position();
      while (at < b.limit()) {
        n += RecordLayout.readRecords(b, at).size();
        next = RecordBatchLayout.lastOffset(b, at) + 1;
        at += RecordBatchLayout.sizeInBytes(b, at);
      }
    }
    return n;
  }
}
