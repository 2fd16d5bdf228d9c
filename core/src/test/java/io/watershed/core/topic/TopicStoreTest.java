package io.watershed.core.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.core.metadata.MetadataError;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.log.AppendOptions;
import io.watershed.log.LogManagerConfig;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.CompressionType;
import io.watershed.log.format.RecordBatchBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicStoreTest {
  @TempDir Path dataDir;

  private TopicStore open() throws Exception {
    return TopicStore.open(dataDir, LogManagerConfig.defaults(dataDir));
  }

  private static void append(PartitionLog log, String value) {
    log.append(
            RecordBatchBuilder.create(CompressionType.NONE)
                .append(
                    System.currentTimeMillis(),
                    null,
                    value.getBytes(StandardCharsets.UTF_8),
                    List.of())
                .build(),
            AppendOptions.DURABLE)
        .join();
  }

  @Test
  void topicsPartitionsAndConfigsSurviveRestart() throws Exception {
    try (TopicStore store = open()) {
      TopicMetadata t = store.create("orders", 3, Map.of("retention.ms", "60000")).join();
      assertThat(t.partitionCount()).isEqualTo(3);
      append(store.partition("orders", 2).orElseThrow(), "hello");
      store
          .alterConfigs("orders", Map.of("cleanup.policy", "compact"), Set.of("retention.ms"))
          .join();
      store.createPartitions("orders", 5).join();
      assertThat(store.partition("orders", 4)).isPresent();
      assertThat(store.partition("orders", 5)).isEmpty();
      assertThat(store.partition("orders", 2).orElseThrow().config().cleanupCompact()).isTrue();
    }
    try (TopicStore store = open()) {
      TopicMetadata t = store.describe("orders").orElseThrow();
      assertThat(t.partitionCount()).isEqualTo(5);
      assertThat(t.configs()).containsExactly(Map.entry("cleanup.policy", "compact"));
      PartitionLog p2 = store.partition("orders", 2).orElseThrow();
      assertThat(p2.logEndOffset()).isEqualTo(1);
      assertThat(p2.config().cleanupCompact()).isTrue();
      assertThat(p2.config().retentionMs()).isEqualTo(7L * 24 * 3600 * 1000);
    }
  }

  @Test
  void refusalsCarryTheMetadataError() throws Exception {
    try (TopicStore store = open()) {
      store.create("a", 1, Map.of()).join();
      assertRefused(
          () -> store.create("a", 1, Map.of()).join(), MetadataError.TOPIC_ALREADY_EXISTS);
      assertRefused(
          () -> store.create("bad/name", 1, Map.of()).join(), MetadataError.INVALID_TOPIC_NAME);
      assertRefused(() -> store.create("b", 0, Map.of()).join(), MetadataError.INVALID_PARTITIONS);
      assertRefused(
          () -> store.create("c", 1, Map.of("retention.ms", "soon")).join(),
          MetadataError.INVALID_CONFIG);
      assertRefused(
          () -> store.create("d", 1, Map.of("no.such", "1")).join(), MetadataError.INVALID_CONFIG);
      assertRefused(() -> store.delete("missing").join(), MetadataError.UNKNOWN_TOPIC);
      assertRefused(() -> store.createPartitions("a", 1).join(), MetadataError.INVALID_PARTITIONS);
    }
  }

  private static void assertRefused(Runnable r, MetadataError error) {
    assertThatThrownBy(r::run)
        .isInstanceOf(CompletionException.class)
        .satisfies(e -> assertThat(TopicStore.refusal(e)).contains(error));
  }

  @Test
  void deletingATopicDeletesItsLogsAndAReusedNameStartsEmpty() throws Exception {
    try (TopicStore store = open()) {
      store.create("events", 2, Map.of()).join();
      append(store.partition("events", 0).orElseThrow(), "old");
      store.delete("events").join();
      assertThat(store.partition("events", 0)).isEmpty();
      assertThat(store.logs().names()).doesNotContain("events-0", "events-1");
      store.create("events", 1, Map.of()).join();
      assertThat(store.partition("events", 0).orElseThrow().logEndOffset()).isZero();
    }
  }

  @Test
  void orphanedPartitionLogsAreDeletedAtOpen() throws Exception {
    try (TopicStore store = open()) {
      store.create("kept", 1, Map.of()).join();
      append(store.partition("kept", 0).orElseThrow(), "x");
      // A partition log whose topic is unknown, as after a crash between the metadata delete
      // and the log deletion.
      append(store.logs().partition("gone-0", store.logs().config().defaults()), "y");
    }
    try (TopicStore store = open()) {
      assertThat(store.logs().names()).containsExactly("kept-0");
      assertThat(Files.exists(dataDir.resolve("log/partitions/gone-0"))).isFalse();
      assertThat(store.partition("kept", 0).orElseThrow().logEndOffset()).isEqualTo(1);
    }
  }
}
