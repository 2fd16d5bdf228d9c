package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.Record;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write or an fsync that fails (EIO from a failing disk, injected through {@link FaultyChannel}).
 * A failed fsync makes the partition refuse every later write, even once the disk would work again:
 * the kernel may have dropped the dirty pages, so writing on would acknowledge data on top of a
 * hole; it takes writes again after it is reopened. A failed write fences it only until a retry
 * finds the disk writable, after cutting the torn bytes. Reads go on; what was acknowledged before
 * is never lost. (A full disk is {@link SmallDiskTest}.)
 */
class StorageFailureTest {
  private static final int ACKED = 20;

  @TempDir Path dir;

  private static ByteBuffer batch(int i) {
    return TestBatches.values(System.currentTimeMillis(), "record-" + i);
  }

  private static Throwable failureOf(CompletableFuture<AppendResult> append) {
    return append.handle((result, error) -> error).join();
  }

  private static List<String> values(PartitionLog log) {
    List<String> out = new ArrayList<>();
    for (Record r : TestBatches.readAll(log, 0)) {
      out.add(TestBatches.string(r.value()));
    }
    return out;
  }

  private static List<String> expected(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("record-" + i);
    }
    return out;
  }

  @Test
  void aFailedFsyncFailsTheDurableAppendAndEveryWriteAfterIt() throws Exception {
    FaultyChannel.Faults faults = new FaultyChannel.Faults();
    try (LogManager manager = LogManager.open(LogManagerConfig.defaults(dir), faults.opener())) {
      PartitionLog log = manager.partition("p-0", LogConfig.DEFAULTS);
      for (int i = 0; i < ACKED; i++) {
        log.append(batch(i), AppendOptions.DURABLE).join();
      }

      faults.failFsyncs.set(true);
      Throwable failed = failureOf(log.append(batch(ACKED), AppendOptions.DURABLE));
      assertThat(failed).isInstanceOf(LogStorageException.class).hasMessageContaining("fsync");
      assertThat(log.durableOffset()).isEqualTo(ACKED);

      faults.failFsyncs.set(false); // the disk answers again: the partition must not believe it
      assertThat(failureOf(log.append(batch(ACKED + 1), AppendOptions.DURABLE)))
          .isInstanceOf(LogStorageException.class)
          .hasMessageContaining("refuses writes");
      assertThat(failureOf(log.append(batch(ACKED + 1), AppendOptions.WRITTEN)))
          .isInstanceOf(LogStorageException.class)
          .hasMessageContaining("refuses writes");
      assertThat(manager.stats().storageFailures.sum()).isPositive();
      assertThat(values(log)).startsWith(expected(ACKED).toArray(String[]::new));
    }

    try (LogManager manager = LogManager.open(LogManagerConfig.defaults(dir))) {
      PartitionLog log = manager.partition("p-0", LogConfig.DEFAULTS);
      // The batch whose fsync failed was written and may be there; it was never acknowledged.
      assertThat(values(log)).startsWith(expected(ACKED).toArray(String[]::new));
      long end = log.logEndOffset();
      assertThat(end).isBetween((long) ACKED, (long) ACKED + 1);
      assertThat(log.append(batch(99), AppendOptions.DURABLE).join().firstOffset()).isEqualTo(end);
    }
  }

  @Test
  void aFailedWriteFencesThePartitionUntilARetryFindsTheDiskWritableAgain() throws Exception {
    FaultyChannel.Faults faults = new FaultyChannel.Faults();
    AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    try (LogManager manager =
        LogManager.open(LogManagerConfig.defaults(dir).withClock(clock::get), faults.opener())) {
      PartitionLog log = manager.partition("p-0", LogConfig.DEFAULTS);
      for (int i = 0; i < ACKED; i++) {
        log.append(batch(i), AppendOptions.WRITTEN).join();
      }
      long size = log.sizeInBytes();

      faults.failWrites.set(true);
      faults.failTruncates.set(true); // the cut after the failed write fails too
      assertThat(failureOf(log.append(batch(ACKED), AppendOptions.WRITTEN)))
          .isInstanceOf(LogStorageException.class)
          .hasMessageContaining("write failed");
      assertThat(log.logEndOffset()).isEqualTo(ACKED);
      assertThat(log.isFenced()).isTrue();
      assertThat(log.fenceReason()).contains("write failed");
      assertThat(Files.size(log.activeSegment().file.path())).isGreaterThan(size);

      faults.failWrites.set(false);
      faults.failTruncates.set(false);
      // Within the retry interval the partition does not try again.
      assertThat(failureOf(log.append(batch(ACKED), AppendOptions.WRITTEN)))
          .isInstanceOf(LogStorageException.class)
          .hasMessageContaining("refuses writes")
          .hasMessageContaining("retrying");
      clock.addAndGet(PartitionLog.WRITE_RETRY_MS);
      // The next append retries: the torn bytes are cut first, then it is written.
      assertThat(log.append(batch(ACKED), AppendOptions.DURABLE).join().firstOffset())
          .isEqualTo(ACKED);
      assertThat(log.isFenced()).isFalse();
      assertThat(values(log)).isEqualTo(expected(ACKED + 1));
    }

    try (LogManager manager = LogManager.open(LogManagerConfig.defaults(dir))) {
      PartitionLog log = manager.partition("p-0", LogConfig.DEFAULTS);
      assertThat(values(log)).isEqualTo(expected(ACKED + 1));
      assertThat(log.damages()).isEmpty();
    }
  }

  @Test
  void aFencedPartitionResumesWithoutAnAppendToTryIt() throws Exception {
    FaultyChannel.Faults faults = new FaultyChannel.Faults();
    try (LogManager manager = LogManager.open(LogManagerConfig.defaults(dir), faults.opener())) {
      PartitionLog log = manager.partition("p-0", LogConfig.DEFAULTS);
      log.append(batch(0), AppendOptions.WRITTEN).join();
      faults.failWrites.set(true);
      assertThat(failureOf(log.append(batch(1), AppendOptions.WRITTEN)))
          .isInstanceOf(LogStorageException.class);
      faults.failWrites.set(false);
      // The manager's timer retries: health and metrics see it writable again.
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (log.isFenced() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(log.isFenced()).isFalse();
      assertThat(log.append(batch(1), AppendOptions.DURABLE).join().firstOffset()).isEqualTo(1);
    }
  }
}
