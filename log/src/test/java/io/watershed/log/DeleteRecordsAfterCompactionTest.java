package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.Record;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test, written while the bug was live and fixed meanwhile in d40bd74: after compaction
 * removed a segment's last batch, that segment ends (nextOffset) below the next segment's base.
 * {@link PartitionLog#deleteRecordsBefore} deleted it as "wholly below the start" and {@code
 * deleteSegment} moved the log start to the next segment's base, past the offset asked for. Kafka's
 * DeleteRecords sets the low watermark to the requested offset.
 */
class DeleteRecordsAfterCompactionTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  LogManager manager;

  @AfterEach
  void close() throws Exception {
    if (manager != null) {
      manager.close();
    }
  }

  private void put(PartitionLog log, String key, String value) throws Exception {
    log.append(
            TestBatches.keyed(
                CompressionType.NONE, clock.get(), new String[] {key}, new String[] {value}),
            AppendOptions.WRITTEN)
        .get();
  }

  @Test
  void deleteRecordsMovesTheStartToTheRequestedOffsetAfterCompaction() throws Exception {
    manager =
        LogManager.open(
            LogManagerConfig.defaults(dir)
                .withClock(clock::get)
                .withIntervals(3_600_000, 3_600_000, 3_600_000));
    PartitionLog log =
        manager.partition("c-0", LogConfig.DEFAULTS.with(Map.of("cleanup.policy", "compact")));
    put(log, "a", "a0"); // offset 0, segment 0
    put(log, "b", "b1"); // offset 1, segment 0
    log.roll();
    put(log, "b", "b2"); // offset 2, segment 2: supersedes offset 1
    log.roll();
    assertThat(manager.compactNow("c-0")).isTrue(); // segment 0 now ends at offset 1

    assertThat(log.deleteRecordsBefore(1)).isEqualTo(1);
    assertThat(log.logStartOffset()).isEqualTo(1);
    try (LogSlice slice = log.read(1, 1024)) {
      assertThat(TestBatches.records(slice.readWholeBatches()))
          .extracting(Record::offset)
          .containsExactly(2L);
    }
  }
}
