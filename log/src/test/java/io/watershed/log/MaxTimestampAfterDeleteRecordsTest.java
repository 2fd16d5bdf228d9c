package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.Header;
import io.watershed.log.format.RecordBatchBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test, written while the bug was live and fixed meanwhile in 3020883: {@link
 * PartitionLog#maxTimestampOffset()} used to skip a whole segment when the record holding that
 * segment's max timestamp lay below the log start offset, although the segment still held visible
 * records; with one segment it answered null for a non-empty log (ListOffsets MAX_TIMESTAMP).
 */
class MaxTimestampAfterDeleteRecordsTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  LogManager manager;

  @AfterEach
  void close() throws Exception {
    if (manager != null) {
      manager.close();
    }
  }

  @Test
  void theMaxTimestampIsFoundAmongTheRecordsLeftAfterDeleteRecords() throws Exception {
    manager =
        LogManager.open(
            LogManagerConfig.defaults(dir)
                .withClock(clock::get)
                .withIntervals(3_600_000, 3_600_000, 3_600_000));
    PartitionLog log = manager.partition("t-0", LogConfig.DEFAULTS);
    long t = clock.get();
    RecordBatchBuilder b = RecordBatchBuilder.create(CompressionType.NONE);
    b.append(t - 300, null, TestBatches.bytes("a"), List.<Header>of());
    b.append(t - 100, null, TestBatches.bytes("b"), List.<Header>of()); // the max, offset 1
    b.append(t - 200, null, TestBatches.bytes("c"), List.<Header>of());
    log.append(b.build(), AppendOptions.DURABLE).get();
    log.deleteRecordsBefore(2);

    // Offset 2 is the only record left, so it holds the largest timestamp.
    assertThat(log.maxTimestampOffset()).isEqualTo(new TimestampOffset(t - 200, 2));
  }
}
