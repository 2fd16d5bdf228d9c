package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.Record;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  LogManager manager;
  final LogConfig compacted =
      LogConfig.DEFAULTS.with(
          Map.of(
              "cleanup.policy", "compact", "segment.bytes", "400", "delete.retention.ms", "1000"));

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

  private void put(PartitionLog log, CompressionType c, String key, String value) throws Exception {
    log.append(
            TestBatches.keyed(c, clock.get(), new String[] {key}, new String[] {value}),
            AppendOptions.WRITTEN)
        .get();
  }

  @Test
  void keepsTheLatestRecordPerKeyWithOffsetsAndOrderPreserved() throws Exception {
    PartitionLog log = open().partition("c-0", compacted);
    Map<String, Long> latest = new LinkedHashMap<>();
    CompressionType[] codecs = CompressionType.values();
    for (int i = 0; i < 200; i++) {
      String key = "key-" + (i % 7);
      put(log, codecs[i % codecs.length], key, "v" + i);
      latest.put(key, (long) i);
    }
    long activeBase = log.activeSegment().baseOffset;
    assertThat(manager.compactNow("c-0")).isTrue();

    List<Record> after = TestBatches.readAll(log, 0);
    // Below the active segment only the latest per key survives; the active segment is untouched.
    for (Record r : after) {
      String key = TestBatches.string(r.key());
      assertThat(TestBatches.string(r.value())).isEqualTo("v" + r.offset());
      if (r.offset() < activeBase) {
        boolean newerInActive = latest.get(key) >= activeBase;
        assertThat(newerInActive || latest.get(key) == r.offset())
            .as("offset %d key %s", r.offset(), key)
            .isTrue();
      }
    }
    assertThat(after).extracting(Record::offset).isSorted().doesNotHaveDuplicates();
    assertThat(after.size()).isLessThan(200);
    for (Map.Entry<String, Long> e : latest.entrySet()) {
      assertThat(after).anyMatch(r -> r.offset() == e.getValue());
    }
    assertThat(log.logEndOffset()).isEqualTo(200);
    put(log, CompressionType.NONE, "key-0", "v200");
    assertThat(log.logEndOffset()).isEqualTo(201);
  }

  @Test
  void tombstonesSurviveUntilTheDeleteHorizon() throws Exception {
    PartitionLog log = open().partition("c-0", compacted);
    put(log, CompressionType.NONE, "gone", "value");
    put(log, CompressionType.NONE, "gone", null);
    for (int i = 0; i < 20; i++) {
      put(log, CompressionType.NONE, "filler-" + i, "x".repeat(50));
    }
    manager.compactNow("c-0");
    List<Record> first = TestBatches.readAll(log, 0);
    assertThat(first).noneMatch(r -> r.offset() == 0);
    assertThat(first).anyMatch(r -> r.offset() == 1 && r.isTombstone());

    clock.addAndGet(500);
    for (int i = 0; i < 10; i++) {
      put(log, CompressionType.NONE, "filler-" + i, "y".repeat(50));
    }
    manager.compactNow("c-0");
    assertThat(TestBatches.readAll(log, 0)).anyMatch(r -> r.offset() == 1 && r.isTombstone());

    clock.addAndGet(1000);
    for (int i = 0; i < 10; i++) {
      put(log, CompressionType.NONE, "filler-" + i, "z".repeat(50));
    }
    manager.compactNow("c-0");
    assertThat(TestBatches.readAll(log, 0)).noneMatch(r -> r.offset() == 1);
  }

  @Test
  void compactedSegmentsSurviveRestartAndLeftoversRollBack() throws Exception {
    PartitionLog log = open().partition("c-0", compacted);
    for (int i = 0; i < 100; i++) {
      put(log, CompressionType.NONE, "key-" + (i % 5), "v" + i);
    }
    manager.compactNow("c-0");
    List<Record> before = TestBatches.readAll(log, 0);
    Path partitionDir = log.dir();
    manager.close();
    // A crash during the next compaction would leave a half-written .cleaned file behind.
    Path leftover = partitionDir.resolve(Segment.fileStem(0) + ".log.cleaned");
    Files.write(leftover, new byte[] {1, 2, 3});
    PartitionLog reopened = open().partition("c-0", compacted);
    assertThat(reopened.logEndOffset()).isEqualTo(100);
    assertThat(leftover).doesNotExist();
    assertThat(TestBatches.readAll(reopened, 0))
        .extracting(Record::offset)
        .containsExactlyElementsOf(before.stream().map(Record::offset).toList());
  }

  @Test
  void aCrashAfterTheSwapButBeforeTheIndexWriteIsFinishedOnOpen() throws Exception {
    PartitionLog log = open().partition("c-0", compacted);
    for (int i = 0; i < 100; i++) {
      put(log, CompressionType.NONE, "key-" + (i % 5), "v" + i);
    }
    manager.compactNow("c-0");
    List<Record> before = TestBatches.readAll(log, 0);
    Path partitionDir = log.dir();
    manager.close();
    // Index files that describe the pre-compaction file: stale, as after a crash right after
    // the atomic rename. Simulate by replacing the first segment's index with a bogus one.
    Files.write(partitionDir.resolve(Segment.fileStem(0) + ".index"), new byte[64]);
    Files.deleteIfExists(dir.resolve(LogManager.CLEAN_SHUTDOWN));
    PartitionLog reopened = open().partition("c-0", compacted);
    assertThat(TestBatches.readAll(reopened, 0))
        .extracting(Record::offset)
        .containsExactlyElementsOf(before.stream().map(Record::offset).toList());
  }

  @Test
  void appendsContinueWhileTheCleanerRuns() throws Exception {
    PartitionLog log = open().partition("c-0", compacted);
    for (int i = 0; i < 300; i++) {
      put(log, CompressionType.LZ4, "key-" + (i % 11), "v" + i);
    }
    Thread cleanerThread =
        new Thread(
            () -> {
              try {
                manager.compactNow("c-0");
              } catch (Exception e) {
                throw new RuntimeException(e);
              }
            });
    cleanerThread.start();
    for (int i = 300; i < 400; i++) {
      put(log, CompressionType.NONE, "key-" + (i % 11), "v" + i);
    }
    cleanerThread.join();
    assertThat(log.logEndOffset()).isEqualTo(400);
    List<Record> all = TestBatches.readAll(log, 0);
    assertThat(all).extracting(Record::offset).isSorted();
    assertThat(all).allMatch(r -> TestBatches.string(r.value()).equals("v" + r.offset()));
    assertThat(all).anyMatch(r -> r.offset() == 399);
  }
}
