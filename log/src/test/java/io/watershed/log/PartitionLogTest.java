package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.CorruptBatchException;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  LogManager manager;

  LogManager open() throws Exception {
    manager =
        LogManager.open(
            LogManagerConfig.defaults(dir)
                .withClock(clock::get)
                .withIntervals(3_600_000, 3_600_000, 3_600_000));
    return manager;
  }

  @AfterEach
  void close() throws Exception {
    if (manager != null) {
      manager.close();
    }
  }

  @Test
  void appendsAssignContiguousOffsetsAndReadsReturnTheBytes() throws Exception {
    PartitionLog log = open().partition("t-0", LogConfig.DEFAULTS);
    AppendResult a =
        log.append(TestBatches.values(clock.get(), "a", "b", "c"), AppendOptions.DURABLE).get();
    AppendResult b = log.append(TestBatches.values(clock.get(), "d"), AppendOptions.WRITTEN).get();
    assertThat(a.firstOffset()).isEqualTo(0);
    assertThat(a.lastOffset()).isEqualTo(2);
    assertThat(b.firstOffset()).isEqualTo(3);
    assertThat(log.logEndOffset()).isEqualTo(4);
    assertThat(log.durableOffset()).isGreaterThanOrEqualTo(3);
    List<Record> all = TestBatches.readAll(log, 0);
    assertThat(all)
        .extracting(r -> TestBatches.string(r.value()))
        .containsExactly("a", "b", "c", "d");
    assertThat(all).extracting(Record::offset).containsExactly(0L, 1L, 2L, 3L);
    List<Record> fromTwo = TestBatches.readAll(log, 2);
    assertThat(fromTwo).extracting(Record::offset).containsExactly(2L, 3L);
  }

  @Test
  void firstAppendsToAnUnloadedPartitionLoadItElsewhereAndKeepTheirOrder() throws Exception {
    PartitionLog log = open().partition("t-0", LogConfig.DEFAULTS);
    for (int i = 0; i < 10; i++) {
      log.append(TestBatches.values(clock.get(), "old-" + i), AppendOptions.WRITTEN).get();
    }
    manager.close();
    open();
    PartitionLog reopened = manager.get("t-0").orElseThrow();
    assertThat(reopened.isLoaded()).isFalse();
    List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      appends.add(
          reopened.append(
              TestBatches.values(clock.get(), "new-" + i),
              i % 2 == 0 ? AppendOptions.DURABLE : AppendOptions.WRITTEN));
    }
    for (int i = 0; i < appends.size(); i++) {
      assertThat(appends.get(i).get().firstOffset()).isEqualTo(10L + i);
    }
    assertThat(TestBatches.readAll(reopened, 10))
        .extracting(r -> TestBatches.string(r.value()))
        .hasSize(200)
        .startsWith("new-0", "new-1")
        .endsWith("new-199");
  }

  @Test
  void aLoadByAReaderTakesTheWaitingAppendsFirst() throws Exception {
    open();
    for (int i = 0; i < 200; i++) {
      PartitionLog log = manager.partition("race-" + i, LogConfig.DEFAULTS);
      assertThat(log.isLoaded()).isFalse();
      CompletableFuture<AppendResult> first =
          log.append(TestBatches.values(clock.get(), "first"), AppendOptions.WRITTEN);
      log.logEndOffset(); // loads the partition here, racing the writer thread's load
      CompletableFuture<AppendResult> second =
          log.append(TestBatches.values(clock.get(), "second"), AppendOptions.WRITTEN);
      assertThat(first.get().firstOffset()).as("partition %d", i).isZero();
      assertThat(second.get().firstOffset()).as("partition %d", i).isEqualTo(1);
    }
  }

  @Test
  void aPartitionThatCannotBeOpenedFailsItsFirstAppendsAndIsTriedAgainLater() throws Exception {
    PartitionLog log = open().partition("t-0", LogConfig.DEFAULTS);
    log.append(TestBatches.values(clock.get(), "a"), AppendOptions.DURABLE).get();
    manager.close();
    open();
    PartitionLog reopened = manager.get("t-0").orElseThrow();
    Path partitionDir = reopened.dir();
    for (Path f : java.nio.file.Files.list(partitionDir).toList()) {
      java.nio.file.Files.delete(f);
    }
    java.nio.file.Files.delete(partitionDir);
    java.nio.file.Files.writeString(partitionDir, "not a directory");

    CompletableFuture<AppendResult> refused =
        reopened.append(TestBatches.values(clock.get(), "b"), AppendOptions.DURABLE);
    assertThatThrownBy(refused::get)
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(LogStorageException.class)
        .hasMessageContaining("cannot open partition");
    assertThat(reopened.isLoaded()).isFalse();

    java.nio.file.Files.delete(partitionDir);
    AppendResult again =
        reopened.append(TestBatches.values(clock.get(), "c"), AppendOptions.DURABLE).get();
    assertThat(again.firstOffset()).isZero();
    assertThat(reopened.isLoaded()).isTrue();
  }

  @Test
  void readsOutsideTheLogAreRejected() throws Exception {
    PartitionLog log = open().partition("t-0", LogConfig.DEFAULTS);
    log.append(TestBatches.values(clock.get(), "a"), AppendOptions.DURABLE).get();
    assertThatThrownBy(() -> log.read(2, 100)).isInstanceOf(OffsetOutOfRangeException.class);
    assertThatThrownBy(() -> log.read(-1, 100)).isInstanceOf(OffsetOutOfRangeException.class);
    try (LogSlice atEnd = log.read(1, 100)) {
      assertThat(atEnd.isEmpty()).isTrue();
    }
  }

  @Test
  void segmentsRollBySizeAndSurviveReopen() throws Exception {
    LogConfig small = LogConfig.DEFAULTS.with(Map.of("segment.bytes", "1024"));
    PartitionLog log = open().partition("t-0", small);
    for (int i = 0; i < 100; i++) {
      log.append(TestBatches.values(clock.get(), "value-" + i), AppendOptions.WRITTEN).get();
    }
    assertThat(log.segmentCount()).isGreaterThan(5);
    manager.close();
    assertThat(dir.resolve(LogManager.CLEAN_SHUTDOWN)).exists();
    PartitionLog reopened = open().partition("t-0", small);
    assertThat(manager.wasCleanStart()).isTrue();
    assertThat(reopened.logEndOffset()).isEqualTo(100);
    assertThat(TestBatches.readAll(reopened, 0))
        .extracting(r -> TestBatches.string(r.value()))
        .startsWith("value-0", "value-1")
        .hasSize(100)
        .endsWith("value-99");
    AppendResult next =
        reopened.append(TestBatches.values(clock.get(), "more"), AppendOptions.DURABLE).get();
    assertThat(next.firstOffset()).isEqualTo(100);
  }

  @Test
  void segmentsRollByAge() throws Exception {
    LogConfig aged = LogConfig.DEFAULTS.with(Map.of("segment.ms", "1000"));
    PartitionLog log = open().partition("t-0", aged);
    log.append(TestBatches.values(clock.get(), "a"), AppendOptions.WRITTEN).get();
    log.append(TestBatches.values(clock.get(), "b"), AppendOptions.WRITTEN).get();
    assertThat(log.segmentCount()).isEqualTo(1);
    clock.addAndGet(1500);
    log.append(TestBatches.values(clock.get(), "c"), AppendOptions.WRITTEN).get();
    assertThat(log.segmentCount()).isEqualTo(2);
  }

  @Test
  void findsTheFirstOffsetAtOrAfterATimestamp() throws Exception {
    LogConfig small =
        LogConfig.DEFAULTS.with(Map.of("segment.bytes", "512", "index.interval.bytes", "100"));
    PartitionLog log = open().partition("t-0", small);
    long t0 = clock.get();
    for (int i = 0; i < 50; i++) {
      // Timestamps 0, 10, 20 … ms apart, with a dip at i = 25 to check "first in offset order".
      long ts = t0 + (i == 25 ? 5 : i * 10);
      log.append(TestBatches.values(ts, "v" + i), AppendOptions.WRITTEN).get();
    }
    assertThat(log.offsetForTimestamp(t0)).isEqualTo(new TimestampOffset(t0, 0));
    assertThat(log.offsetForTimestamp(t0 + 101)).isEqualTo(new TimestampOffset(t0 + 110, 11));
    assertThat(log.offsetForTimestamp(t0 + 300)).isEqualTo(new TimestampOffset(t0 + 300, 30));
    assertThat(log.offsetForTimestamp(t0 + 10_000)).isNull();
    assertThat(log.maxTimestampOffset()).isEqualTo(new TimestampOffset(t0 + 490, 49));
  }

  @Test
  void logAppendTimeStampsTheBatch() throws Exception {
    LogConfig lat = LogConfig.DEFAULTS.with(Map.of("message.timestamp.type", "LogAppendTime"));
    PartitionLog log = open().partition("t-0", lat);
    AppendResult r = log.append(TestBatches.values(5, "a", "b"), AppendOptions.WRITTEN).get();
    assertThat(r.logAppendTime()).isEqualTo(clock.get());
    assertThat(TestBatches.readAll(log, 0)).extracting(Record::timestamp).containsOnly(clock.get());
  }

  @Test
  void invalidBatchesAreRejectedWithTheirOwnErrors() throws Exception {
    PartitionLog log =
        open().partition("t-0", LogConfig.DEFAULTS.with(Map.of("max.message.bytes", "200")));
    ByteBuffer flipped = TestBatches.values(clock.get(), "abc");
    flipped.put(flipped.limit() - 1, (byte) 'x');
    assertFails(log, flipped, CorruptBatchException.class);
    ByteBuffer badMagic = TestBatches.values(clock.get(), "abc");
    badMagic.put(RecordBatchLayout.MAGIC, (byte) 1);
    assertFails(log, badMagic, CorruptBatchException.class);
    assertFails(
        log, TestBatches.values(clock.get(), "x".repeat(300)), RecordTooLargeException.class);
    ByteBuffer torn = TestBatches.values(clock.get(), "abc");
    assertFails(log, torn.limit(torn.limit() - 3), CorruptBatchException.class);
    assertFails(
        log,
        TestBatches.values(clock.get() + 7_200_000, "future"),
        InvalidTimestampException.class);
    assertThat(log.logEndOffset()).isZero();

    PartitionLog compacted =
        manager.partition("c-0", LogConfig.DEFAULTS.with(Map.of("cleanup.policy", "compact")));
    assertFails(compacted, TestBatches.values(clock.get(), "no key"), InvalidRecordException.class);
  }

  private static void assertFails(
      PartitionLog log, ByteBuffer batch, Class<? extends Throwable> type) {
    assertThatThrownBy(() -> log.append(batch, AppendOptions.DURABLE).get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(type);
  }

  @Test
  void everyCompressionCodecRoundTrips() throws Exception {
    PartitionLog log = open().partition("t-0", LogConfig.DEFAULTS);
    for (CompressionType c : CompressionType.values()) {
      String[] keys = {"k1", "k2", null};
      String[] values = {c.configName() + "-1", null, c.configName() + "-3"};
      log.append(TestBatches.keyed(c, clock.get(), keys, values), AppendOptions.DURABLE).get();
    }
    List<Record> all = TestBatches.readAll(log, 0);
    assertThat(all).hasSize(15);
    assertThat(all.get(12).keyBytes()).isEqualTo(TestBatches.bytes("k1"));
    assertThat(TestBatches.string(all.get(12).value())).isEqualTo("zstd-1");
    assertThat(all.get(13).value()).isNull();
    assertThat(all.get(14).key()).isNull();
  }

  @Test
  void deleteRecordsMovesTheStartAndDropsWholeSegments() throws Exception {
    LogConfig small = LogConfig.DEFAULTS.with(Map.of("segment.bytes", "256"));
    PartitionLog log = open().partition("t-0", small);
    for (int i = 0; i < 40; i++) {
      log.append(TestBatches.values(clock.get(), "value-" + i), AppendOptions.WRITTEN).get();
    }
    int before = log.segmentCount();
    assertThat(log.deleteRecordsBefore(25)).isEqualTo(25);
    assertThat(log.logStartOffset()).isEqualTo(25);
    assertThat(log.segmentCount()).isLessThan(before);
    assertThatThrownBy(() -> log.read(24, 100)).isInstanceOf(OffsetOutOfRangeException.class);
    assertThat(TestBatches.readAll(log, 25)).first().extracting(Record::offset).isEqualTo(25L);
    assertThatThrownBy(() -> log.deleteRecordsBefore(41))
        .isInstanceOf(OffsetOutOfRangeException.class);
    manager.close();
    PartitionLog reopened = open().partition("t-0", small);
    assertThat(reopened.logStartOffset()).isEqualTo(25);
  }

  @Test
  void retentionByTimeAndBySizeDeletesOldSegments() throws Exception {
    LogConfig cfg =
        LogConfig.DEFAULTS.with(Map.of("segment.bytes", "256", "retention.ms", "60000"));
    PartitionLog log = open().partition("t-0", cfg);
    for (int i = 0; i < 20; i++) {
      log.append(TestBatches.values(clock.get(), "old-" + i), AppendOptions.WRITTEN).get();
    }
    clock.addAndGet(120_000);
    for (int i = 0; i < 20; i++) {
      log.append(TestBatches.values(clock.get(), "new-" + i), AppendOptions.WRITTEN).get();
    }
    manager.retentionPass();
    List<Record> left = TestBatches.readAll(log, log.logStartOffset());
    assertThat(left)
        .extracting(r -> TestBatches.string(r.value()))
        .allMatch(v -> v.startsWith("new-") || v.startsWith("old-1"));
    assertThat(left)
        .extracting(r -> TestBatches.string(r.value()))
        .contains("new-0", "new-19")
        .doesNotContain("old-0");

    PartitionLog sized =
        manager.partition(
            "s-0",
            LogConfig.DEFAULTS.with(Map.of("segment.bytes", "256", "retention.bytes", "600")));
    for (int i = 0; i < 40; i++) {
      sized.append(TestBatches.values(clock.get(), "value-" + i), AppendOptions.WRITTEN).get();
    }
    manager.retentionPass();
    assertThat(sized.sizeInBytes()).isLessThanOrEqualTo(600 + 256);
    assertThat(sized.logStartOffset()).isGreaterThan(0);
    assertThat(TestBatches.readAll(sized, sized.logStartOffset()))
        .last()
        .extracting(Record::offset)
        .isEqualTo(39L);
  }

  @Test
  void listenersHearEveryAppend() throws Exception {
    PartitionLog log = open().partition("t-0", LogConfig.DEFAULTS);
    AtomicLong seen = new AtomicLong(-1);
    log.addListener((l, end) -> seen.set(end));
    log.append(TestBatches.values(clock.get(), "a", "b"), AppendOptions.WRITTEN).get();
    assertThat(seen.get()).isEqualTo(2);
  }
}
