package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * Damage on purpose, reopen, and check that damage is found and never served, while the intact data
 * on both sides stays readable: only a torn tail after the recovery point is cut (crash recovery);
 * any other damage is fenced until an operator skips it.
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

  /** A crash before any checkpoint: the whole partition lies after its recovery point. */
  private void simulateCrashBeforeAnyCheckpoint() throws IOException {
    simulateCrash();
    Files.deleteIfExists(dir.resolve(LogManager.CHECKPOINT));
  }

  /** What a reader walking the whole log meets: the records, and the damaged ranges it refused. */
  private record Walk(List<Record> records, List<LogDamagedException> refused) {}

  /** Reads from offset 0 to the end, stepping over damaged ranges whose end is known. */
  private static Walk walk(PartitionLog log) {
    List<Record> records = new java.util.ArrayList<>();
    List<LogDamagedException> refused = new java.util.ArrayList<>();
    long next = 0;
    while (next < log.logEndOffset() || log.hasDamagedTail()) {
      try (LogSlice slice = log.read(next, 64 * 1024)) {
        if (slice.isEmpty()) {
          break;
        }
        java.nio.ByteBuffer whole = slice.readWholeBatches();
        for (Record r : TestBatches.records(whole)) {
          if (r.offset() >= next) {
            records.add(r);
          }
        }
        next = TestBatches.lastOffsetOf(whole) + 1;
      } catch (LogDamagedException e) {
        refused.add(e);
        if (e.endOffset() < 0) {
          break;
        }
        next = e.endOffset();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return new Walk(records, refused);
  }

  private static Path flipByte(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0xff);
    }
    return file;
  }

  @Test
  void aTornTailAfterTheRecoveryPointIsTruncatedAfterAnUncleanShutdown() throws Exception {
    Path partitionDir = writeAndClose();
    Path active = segmentFiles(partitionDir, ".log").getLast();
    long size = Files.size(active);
    try (RandomAccessFile f = new RandomAccessFile(active.toFile(), "rw")) {
      f.setLength(size - 10); // the last batch loses its end
    }
    simulateCrashBeforeAnyCheckpoint();
    PartitionLog log = open().partition("p-0", small);
    assertThat(manager.wasCleanStart()).isFalse();
    assertThat(log.logEndOffset()).isEqualTo(99);
    assertThat(log.damages()).isEmpty();
    LogStats stats = manager.stats();
    assertThat(stats.recoveries()).isEqualTo(1);
    assertThat(stats.recoveredSegments()).isPositive();
    assertThat(stats.recoveryTruncations()).isEqualTo(1);
    assertThat(stats.recoveryTruncatedBytes()).isEqualTo(size - 10 - Files.size(active));
    assertThat(stats.recoveryTruncatedBytes()).isPositive();
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
  void aTornBatchBeforeTheRecoveryPointIsFencedNeverCut() throws Exception {
    Path partitionDir = writeAndClose(); // the checkpoint says offsets below 100 were fsynced
    Path active = segmentFiles(partitionDir, ".log").getLast();
    long size = Files.size(active);
    try (RandomAccessFile f = new RandomAccessFile(active.toFile(), "rw")) {
      f.setLength(size - 10);
    }
    simulateCrash();
    PartitionLog log = open().partition("p-0", small);
    assertThat(Files.size(active)).isEqualTo(size - 10);
    assertThat(log.logEndOffset()).isEqualTo(100);
    assertThat(manager.stats().recoveryTruncations()).isZero();
    assertThat(manager.stats().recoveryTruncatedBytes()).isZero();
    assertThat(log.damages())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.firstOffset()).isEqualTo(99);
              assertThat(d.endOffset()).isEqualTo(100);
            });
    Walk walk = walk(log);
    assertThat(walk.records()).hasSize(99);
    assertIntact(walk.records());
    assertThat(walk.refused())
        .singleElement()
        .extracting(LogDamagedException::firstOffset)
        .isEqualTo(99L);
    // Appends go on after the damage without giving its offset again.
    assertThat(
            log.append(TestBatches.values(clock.get(), "value-100"), AppendOptions.DURABLE)
                .get()
                .firstOffset())
        .isEqualTo(100);
  }

  @Test
  void aTruncatedTailFoundAfterACleanShutdownIsFencedAndTheNextOffsetKept() throws Exception {
    Path partitionDir = writeAndClose();
    Path active = segmentFiles(partitionDir, ".log").getLast();
    long size = Files.size(active);
    try (RandomAccessFile f = new RandomAccessFile(active.toFile(), "rw")) {
      f.setLength(size - 10);
    }
    PartitionLog log = open().partition("p-0", small);
    // The index files still say the segment ended at offset 100: that end is kept.
    assertThat(log.logEndOffset()).isEqualTo(100);
    assertThatThrownBy(() -> log.read(99, 1024)).isInstanceOf(LogDamagedException.class);
    assertIntact(walk(log).records());
    assertThat(walk(log).records()).hasSize(99);
    assertThat(
            log.append(TestBatches.values(clock.get(), "value-100"), AppendOptions.DURABLE)
                .get()
                .firstOffset())
        .isEqualTo(100);
  }

  @Test
  void aDamagedTailOfUnknownExtentRefusesAppendsUntilAnOperatorSkipsIt() throws Exception {
    Path partitionDir = writeAndClose();
    Path active = segmentFiles(partitionDir, ".log").getLast();
    try (RandomAccessFile f = new RandomAccessFile(active.toFile(), "rw")) {
      f.setLength(Files.size(active) - 10);
    }
    for (Path p : segmentFiles(partitionDir, "index")) {
      Files.delete(p); // nothing says where the log ended
    }
    PartitionLog log = open().partition("p-0", small);
    assertThat(log.logEndOffset()).isEqualTo(99);
    assertThat(log.hasDamagedTail()).isTrue();
    assertThatThrownBy(() -> log.read(99, 1024))
        .isInstanceOf(LogDamagedException.class)
        .hasMessageContaining("offsets 99 onwards are damaged");
    assertThat(
            log.append(TestBatches.values(clock.get(), "x"), AppendOptions.DURABLE)
                .handle((r, e) -> e)
                .get())
        .isInstanceOf(LogStorageException.class)
        .hasMessageContaining("skip the damage");
    assertIntact(TestBatches.readAll(log, 0));

    List<LogDamage> skipped = manager.skipDamage("p-0");
    assertThat(skipped).singleElement().extracting(LogDamage::firstOffset).isEqualTo(99L);
    assertThat(log.hasDamagedTail()).isFalse();
    assertThat(log.damages()).isEmpty();
    assertThat(
            log.append(TestBatches.values(clock.get(), "value-99"), AppendOptions.DURABLE)
                .get()
                .firstOffset())
        .isEqualTo(99);
    assertIntact(TestBatches.readAll(log, 0));
    assertThat(TestBatches.readAll(log, 0)).hasSize(100);
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
  void aFlippedByteInASealedSegmentIsFencedNotServedAndNotCut() throws Exception {
    Path partitionDir = writeAndClose();
    List<Path> logs = segmentFiles(partitionDir, ".log");
    assertThat(logs.size()).isGreaterThan(3);
    Path victim = logs.get(1);
    long base = Long.parseLong(victim.getFileName().toString().substring(0, 20));
    long victimSize = Files.size(victim);
    flipByte(victim, victimSize / 2);
    PartitionLog log = open().partition("p-0", small);
    Walk walk = walk(log);
    assertIntact(walk.records());
    // Everything before the damaged batch and everything after it is still there.
    assertThat(walk.records()).anyMatch(r -> r.offset() == base);
    assertThat(walk.records()).anyMatch(r -> r.offset() == 99);
    assertThat(walk.refused()).hasSize(1);
    LogDamagedException refused = walk.refused().getFirst();
    assertThat(walk.records().size() + refused.endOffset() - refused.firstOffset()).isEqualTo(100);
    assertThat(Files.size(victim)).isEqualTo(victimSize);
    assertThat(log.damages()).hasSize(1);

    // An operator skips the damage on purpose: the bytes go, the other offsets stay.
    assertThat(manager.skipDamage("p-0")).hasSize(1);
    assertThat(log.damages()).isEmpty();
    List<Record> after = TestBatches.readAll(log, 0);
    assertIntact(after);
    assertThat(after).hasSize(walk.records().size());
    assertThat(Files.size(victim)).isLessThan(victimSize);
  }

  @Test
  void aFlippedByteStaysFencedAcrossRestartsUntilSkipped() throws Exception {
    Path partitionDir = writeAndClose();
    Path victim = segmentFiles(partitionDir, ".log").get(2);
    flipByte(victim, Files.size(victim) / 2);
    PartitionLog log = open().partition("p-0", small);
    int damaged = walk(log).refused().size();
    assertThat(damaged).isEqualTo(1);
    manager.close();
    manager = null;
    simulateCrash(); // clean or not, the damage is found again, never cut
    log = open().partition("p-0", small);
    Walk walk = walk(log);
    assertThat(walk.refused()).hasSize(1);
    assertThat(walk.records().getLast().offset()).isEqualTo(99);
  }

  @Test
  void aFlippedByteInTheActiveSegmentBeforeTheRecoveryPointIsFenced() throws Exception {
    Path partitionDir = writeAndClose();
    Path active = segmentFiles(partitionDir, ".log").getLast();
    long size = Files.size(active);
    try (RandomAccessFile f = new RandomAccessFile(active.toFile(), "rw")) {
      f.seek(size - 5);
      f.write(0x42);
    }
    simulateCrash();
    PartitionLog log = open().partition("p-0", small);
    assertThat(log.logEndOffset()).isEqualTo(100);
    assertThat(Files.size(active)).isEqualTo(size);
    Walk walk = walk(log);
    assertThat(walk.records()).hasSize(99);
    assertIntact(walk.records());
    assertThat(walk.refused())
        .singleElement()
        .extracting(LogDamagedException::firstOffset)
        .isEqualTo(99L);
  }

  @Test
  void aBadFirstBatchOfTheLastSegmentIsFencedAndTheRestServed() throws Exception {
    Path partitionDir = writeAndClose();
    List<Path> logs = segmentFiles(partitionDir, ".log");
    Path last = logs.getLast();
    try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
      f.seek(16);
      f.write(7); // magic
    }
    simulateCrash();
    PartitionLog log = open().partition("p-0", small);
    long lastBase = Long.parseLong(last.getFileName().toString().substring(0, 20));
    assertThat(log.logEndOffset()).isEqualTo(100);
    Walk walk = walk(log);
    assertIntact(walk.records());
    assertThat(walk.refused())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.firstOffset()).isEqualTo(lastBase);
              assertThat(e.endOffset()).isEqualTo(lastBase + 1);
            });
    assertThat(walk.records()).hasSize(99);
  }

  @Test
  void aBatchWrittenGarbledAmongGoodOnesIsFoundByResyncingPastIt() throws Exception {
    // The defect of issue 11: one batch's bytes replaced by another's after validation, so the
    // file holds a batch whose length field disagrees with the bytes written for it.
    Path partitionDir = writeAndClose();
    Path victim = segmentFiles(partitionDir, ".log").get(1);
    byte[] bytes = Files.readAllBytes(victim);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    b.putInt(8, b.getInt(8) + 37); // the first batch claims 37 more bytes than it has
    Files.write(victim, bytes);
    PartitionLog log = open().partition("p-0", small);
    Walk walk = walk(log);
    assertIntact(walk.records());
    assertThat(walk.refused()).hasSize(1);
    assertThat(walk.records()).hasSize(99);
    assertThat(walk.records().getLast().offset()).isEqualTo(99);
  }

  /** Positions of the batches in a segment file. */
  private static List<Integer> batchPositions(byte[] file) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(file);
    List<Integer> out = new java.util.ArrayList<>();
    for (int at = 0; at < file.length; at += b.getInt(at + 8) + 12) {
      out.add(at);
    }
    return out;
  }

  @Test
  void aFlippedBaseOffsetIsFoundByTheBatchAfterIt() throws Exception {
    // The base offset is not covered by the CRC: a flipped bit there must still be found.
    Path partitionDir = writeAndClose();
    Path victim = segmentFiles(partitionDir, ".log").get(1);
    byte[] bytes = Files.readAllBytes(victim);
    int second = batchPositions(bytes).get(1);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    long base = b.getLong(second);
    b.putLong(second, base ^ (1L << 40));
    Files.write(victim, bytes);
    PartitionLog log = open().partition("p-0", small);
    Walk walk = walk(log);
    assertIntact(walk.records());
    assertThat(walk.refused())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.firstOffset()).isEqualTo(base);
              assertThat(e.endOffset()).isEqualTo(base + 1);
            });
    assertThat(walk.records()).hasSize(99);
    assertThat(log.logEndOffset()).isEqualTo(100);
  }

  @Test
  void aFlippedBaseOffsetOfASegmentsLastBatchIsBoundedByTheNextSegment() throws Exception {
    Path partitionDir = writeAndClose();
    Path victim = segmentFiles(partitionDir, ".log").get(1);
    byte[] bytes = Files.readAllBytes(victim);
    int last = batchPositions(bytes).getLast();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    long base = b.getLong(last);
    b.putLong(last, base + 5);
    Files.write(victim, bytes);
    simulateCrashBeforeAnyCheckpoint(); // recovery scans every segment in order
    PartitionLog log = open().partition("p-0", small);
    Walk walk = walk(log);
    assertIntact(walk.records());
    assertThat(walk.refused())
        .singleElement()
        .extracting(LogDamagedException::firstOffset)
        .isEqualTo(base);
    assertThat(walk.records()).hasSize(99);
    assertThat(log.logEndOffset()).isEqualTo(100);
  }

  @Test
  void compactionLeavesADamagedSegmentAlone() throws Exception {
    LogConfig compacted = small.with(Map.of("cleanup.policy", "compact"));
    PartitionLog log = open().partition("p-0", compacted);
    for (int i = 0; i < 100; i++) {
      log.append(
              TestBatches.keyed(
                  io.watershed.log.format.CompressionType.NONE,
                  clock.get(),
                  new String[] {"k" + (i % 5)},
                  new String[] {"value-" + i}),
              AppendOptions.DURABLE)
          .get();
    }
    Path partitionDir = log.dir();
    manager.close();
    manager = null;
    Path victim = segmentFiles(partitionDir, ".log").get(1);
    long victimSize = Files.size(victim);
    flipByte(victim, victimSize / 2);
    log = open().partition("p-0", compacted);
    manager.compactNow("p-0");
    assertThat(Files.size(victim)).isEqualTo(victimSize);
    assertThat(log.damages()).hasSize(1);
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
}
