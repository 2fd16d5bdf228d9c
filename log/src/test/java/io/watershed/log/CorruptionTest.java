package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.Record;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage on purpose, reopen, and check that damage is found, cut off and never served, while the
 * intact data stays readable.
 */
class CorruptionTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  final LogConfig small = LogConfig.DEFAULTS.with(Map.of("segment.bytes", "1000"));
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

  /** Writes 100 records "value-i" at offsets 0..99 and closes cleanly. */
  private Path writeAndClose() throws Exception {
    PartitionLog log = open().partition("p-0", small);
    for (int i = 0; i < 100; i++) {
      log.append(TestBatches.values(clock.get(), "value-" + i), AppendOptions.DURABLE).get();
    }
    Path partitionDir = log.dir();
    manager.close();
    manager = null;
    return partitionDir;
  }

  private static List<Path> segmentFiles(Path partitionDir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(partitionDir)) {
      return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
    }
  }

  private static void assertIntact(List<Record> records) {
    for (Record r : records) {
      assertThat(TestBatches.string(r.value())).isEqualTo("value-" + r.offset());
    }
  }

  private void simulateCrash() throws IOException {
    Files.deleteIfExists(dir.resolve(LogManager.CLEAN_SHUTDOWN));
  }

  @Test
  void aTornTailIsTruncatedAfterAnUncleanShutdown() throws Exception {
    Path partitionDir = writeAndClose();
    Path active = segmentFiles(partitionDir, ".log").getLast();
    long size = Files.size(active);
    try (RandomAccessFile f = new RandomAccessFile(active.toFile(), "rw")) {
      f.setLength(size - 10); // the last batch loses its end
    }
    simulateCrash();
    PartitionLog log = open().partition("p-0", small);
    assertThat(manager.wasCleanStart()).isFalse();
    assertThat(log.logEndOffset()).isEqualTo(99);
    List<Record> all = TestBatches.readAll(log, 0);
    assertThat(all).hasSize(99);
    assertIntact(all);
    assertThat(
            log.append(TestBatches.values(clock.get(), "value-99"), AppendOptions.DURABLE)
                .get()
                .firstOffset())
        .isEqualTo(99);
  }

  @Test
  void aTruncatedTailIsFoundEvenWhenTheShutdownLookedClean() throws Exception {
    Path partitionDir = writeAndClose();
    Path active = segmentFiles(partitionDir, ".log").getLast();
    try (RandomAccessFile f = new RandomAccessFile(active.toFile(), "rw")) {
      f.setLength(Files.size(active) - 10);
    }
    PartitionLog log = open().partition("p-0", small);
    assertThat(log.logEndOffset()).isEqualTo(99);
    assertIntact(TestBatches.readAll(log, 0));
  }

  @Test
  void garbageAfterTheLastBatchIsCutOff() throws Exception {
    Path partitionDir = writeAndClose();
    Path active = segmentFiles(partitionDir, ".log").getLast();
    long intact = Files.size(active);
    Files.write(active, new byte[300], java.nio.file.StandardOpenOption.APPEND);
    simulateCrash();
    PartitionLog log = open().partition("p-0", small);
    assertThat(log.logEndOffset()).isEqualTo(100);
    assertThat(Files.size(active)).isEqualTo(intact);
    assertIntact(TestBatches.readAll(log, 0));
  }

  @Test
  void aFlippedByteInASealedSegmentIsNeverServed() throws Exception {
    Path partitionDir = writeAndClose();
    List<Path> logs = segmentFiles(partitionDir, ".log");
    assertThat(logs.size()).isGreaterThan(3);
    Path victim = logs.get(1);
    long base = Long.parseLong(victim.getFileName().toString().substring(0, 20));
    long victimSize = Files.size(victim);
    try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
      long at = victimSize / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0xff);
    }
    PartitionLog log = open().partition("p-0", small);
    List<Record> all = TestBatches.readAll(log, 0);
    assertIntact(all);
    // Everything before the damaged batch and everything in later segments is still there.
    assertThat(all).anyMatch(r -> r.offset() == base);
    assertThat(all).anyMatch(r -> r.offset() == 99);
    assertThat(all.size()).isLessThan(100);
    assertThat(Files.size(victim)).isLessThan(victimSize);
  }

  @Test
  void aFlippedByteInTheActiveSegmentIsCutAtRecovery() throws Exception {
    Path partitionDir = writeAndClose();
    Path active = segmentFiles(partitionDir, ".log").getLast();
    long size = Files.size(active);
    try (RandomAccessFile f = new RandomAccessFile(active.toFile(), "rw")) {
      f.seek(size - 5);
      f.write(0x42);
    }
    simulateCrash();
    PartitionLog log = open().partition("p-0", small);
    assertThat(log.logEndOffset()).isEqualTo(99);
    assertIntact(TestBatches.readAll(log, 0));
  }

  @Test
  void deletedIndexFilesAreRebuilt() throws Exception {
    Path partitionDir = writeAndClose();
    for (Path p : segmentFiles(partitionDir, "index")) {
      Files.delete(p);
    }
    PartitionLog log = open().partition("p-0", small);
    List<Record> all = TestBatches.readAll(log, 0);
    assertThat(all).hasSize(100);
    assertIntact(all);
    assertThat(TestBatches.readAll(log, 57)).first().extracting(Record::offset).isEqualTo(57L);
    assertThat(log.offsetForTimestamp(clock.get())).isEqualTo(new TimestampOffset(clock.get(), 0));
  }

  @Test
  void corruptIndexFilesAreRebuilt() throws Exception {
    Path partitionDir = writeAndClose();
    for (Path p : segmentFiles(partitionDir, ".index")) {
      byte[] bytes = Files.readAllBytes(p);
      bytes[bytes.length - 1] ^= 0x55;
      Files.write(p, bytes);
    }
    PartitionLog log = open().partition("p-0", small);
    List<Record> all = TestBatches.readAll(log, 0);
    assertThat(all).hasSize(100);
    assertIntact(all);
    for (long offset : new long[] {0, 13, 50, 99}) {
      assertThat(TestBatches.readAll(log, offset))
          .first()
          .extracting(Record::offset)
          .isEqualTo(offset);
    }
  }

  @Test
  void aMissingSegmentAfterAnUncleanShutdownEndsTheLogThere() throws Exception {
    Path partitionDir = writeAndClose();
    List<Path> logs = segmentFiles(partitionDir, ".log");
    // A tail segment with a bad first batch: everything from there on is untrustworthy.
    Path last = logs.getLast();
    try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
      f.seek(16);
      f.write(7); // magic
    }
    simulateCrash();
    PartitionLog log = open().partition("p-0", small);
    long lastBase = Long.parseLong(last.getFileName().toString().substring(0, 20));
    assertThat(log.logEndOffset()).isEqualTo(lastBase);
    assertIntact(TestBatches.readAll(log, 0));
  }
}
