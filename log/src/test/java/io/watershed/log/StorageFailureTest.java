package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.Record;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write or an fsync that fails (EIO from a failing disk, injected through {@link FaultyChannel})
 * makes the partition refuse every later write instead of retrying, even once the disk would work
 * again: after a failed fsync the kernel may have dropped the dirty pages, so writing on would
 * acknowledge data on top of a hole. Reads go on; what was acknowledged before is never lost; the
 * partition takes writes again after it is reopened. (A full disk is {@link SmallDiskTest}.)
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
  void aFailedWriteIsCutOffAndEveryWriteAfterItIsRefused() throws Exception {
    FaultyChannel.Faults faults = new FaultyChannel.Faults();
    try (LogManager manager = LogManager.open(LogManagerConfig.defaults(dir), faults.opener())) {
      PartitionLog log = manager.partition("p-0", LogConfig.DEFAULTS);
      for (int i = 0; i < ACKED; i++) {
        log.append(batch(i), AppendOptions.WRITTEN).join();
      }
      long size = log.sizeInBytes();

      faults.failWrites.set(true);
      assertThat(failureOf(log.append(batch(ACKED), AppendOptions.WRITTEN)))
          .isInstanceOf(LogStorageException.class)
          .hasMessageContaining("write failed");
      // The half-written batch was cut off the file: it is never read.
      assertThat(log.sizeInBytes()).isEqualTo(size);
      assertThat(log.logEndOffset()).isEqualTo(ACKED);

      faults.failWrites.set(false);
      assertThat(failureOf(log.append(batch(ACKED), AppendOptions.WRITTEN)))
          .isInstanceOf(LogStorageException.class)
          .hasMessageContaining("refuses writes");
      assertThat(values(log)).isEqualTo(expected(ACKED));
    }

    try (LogManager manager = LogManager.open(LogManagerConfig.defaults(dir))) {
      PartitionLog log = manager.partition("p-0", LogConfig.DEFAULTS);
      assertThat(values(log)).isEqualTo(expected(ACKED));
      assertThat(log.append(batch(ACKED), AppendOptions.DURABLE).join().firstOffset())
          .isEqualTo(ACKED);
      assertThat(values(log)).isEqualTo(expected(ACKED + 1));
    }
  }
}
