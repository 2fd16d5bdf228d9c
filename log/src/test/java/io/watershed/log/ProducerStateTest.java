package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateTest {
  @TempDir Path dir;
  LogManager manager;
  final LogConfig small = LogConfig.DEFAULTS.with(Map.of("segment.bytes", "600"));

  PartitionLog open() throws Exception {
    manager = LogManager.open(LogManagerConfig.defaults(dir));
    return manager.partition("p-0", small);
  }

  @AfterEach
  void close() throws Exception {
    if (manager != null) {
      manager.close();
    }
  }

  /** A batch of {@code count} records from producer {@code id}, starting at {@code sequence}. */
  static ByteBuffer batch(long id, short epoch, int sequence, int count) {
    RecordBatchBuilder b =
        RecordBatchBuilder.create(CompressionType.NONE).producer(id, epoch, sequence);
    for (int i = 0; i < count; i++) {
      b.append(
          System.currentTimeMillis(),
          null,
          ("p" + id + "-s" + (sequence + i)).getBytes(),
          List.of());
    }
    return b.build();
  }

  static AppendResult append(PartitionLog log, ByteBuffer batch) throws Exception {
    return log.append(batch, AppendOptions.DURABLE).get();
  }

  @Test
  void retriesAreRecognisedAndReportTheOriginalOffsets() throws Exception {
    PartitionLog log = open();
    AppendResult first = append(log, batch(7, (short) 0, 0, 3));
    AppendResult second = append(log, batch(7, (short) 0, 3, 2));
    AppendResult retry = append(log, batch(7, (short) 0, 3, 2));
    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.firstOffset()).isEqualTo(second.firstOffset());
    assertThat(retry.lastOffset()).isEqualTo(second.lastOffset());
    AppendResult olderRetry = append(log, batch(7, (short) 0, 0, 3));
    assertThat(olderRetry.firstOffset()).isEqualTo(first.firstOffset());
    assertThat(log.logEndOffset()).isEqualTo(5);
    assertThat(TestBatches.readAll(log, 0)).hasSize(5);
  }

  @Test
  void onlyTheLastFiveBatchesAreRemembered() throws Exception {
    PartitionLog log = open();
    for (int seq = 0; seq < 6; seq++) {
      append(log, batch(1, (short) 0, seq, 1));
    }
    // Batch 0 is forgotten: a retry of it is now out of order, not a duplicate.
    assertFails(log, batch(1, (short) 0, 0, 1), OutOfOrderSequenceException.class);
    assertThat(append(log, batch(1, (short) 0, 1, 1)).duplicate()).isTrue();
  }

  @Test
  void sequenceGapsAndStaleEpochsAreRefused() throws Exception {
    PartitionLog log = open();
    append(log, batch(9, (short) 2, 0, 2));
    assertFails(log, batch(9, (short) 2, 5, 1), OutOfOrderSequenceException.class);
    assertFails(log, batch(9, (short) 1, 2, 1), ProducerFencedException.class);
    assertFails(log, batch(9, (short) 3, 4, 1), OutOfOrderSequenceException.class);
    assertThat(append(log, batch(9, (short) 3, 0, 1)).duplicate()).isFalse();
    // An unknown producer may start anywhere (its state may have expired).
    assertThat(append(log, batch(10, (short) 0, 42, 1)).firstOffset()).isEqualTo(3);
    // Batches without a producer id are never checked.
    assertThat(append(log, TestBatches.values(System.currentTimeMillis(), "plain")).firstOffset())
        .isEqualTo(4);
  }

  @Test
  void aRetryQueuedBehindItsOriginalIsStillRecognised() throws Exception {
    PartitionLog log = open();
    CompletableFuture<AppendResult> original =
        log.append(batch(3, (short) 0, 0, 4), AppendOptions.DURABLE);
    CompletableFuture<AppendResult> retry =
        log.append(batch(3, (short) 0, 0, 4), AppendOptions.DURABLE);
    assertThat(retry.get().firstOffset()).isEqualTo(original.get().firstOffset());
    assertThat(original.get().duplicate() ^ retry.get().duplicate()).isTrue();
    assertThat(log.logEndOffset()).isEqualTo(4);
  }

  @Test
  void stateSurvivesCleanAndUncleanRestarts() throws Exception {
    PartitionLog log = open();
    int seq = 0;
    for (; seq < 40; seq++) {
      append(log, batch(5, (short) 0, seq, 1)); // several rolls, each with a snapshot
    }
    manager.close();
    log = open();
    assertThat(append(log, batch(5, (short) 0, 39, 1)).duplicate()).isTrue();
    assertFails(log, batch(5, (short) 0, 41, 1), OutOfOrderSequenceException.class);
    append(log, batch(5, (short) 0, 40, 1));
    manager.close();

    // Unclean: no clean-shutdown marker, and the snapshot written at close is gone, so the state
    // comes from a roll-time snapshot plus the batches after it.
    Files.delete(dir.resolve(LogManager.CLEAN_SHUTDOWN));
    Path partition = dir.resolve("partitions/p-0");
    long end = 41;
    Files.deleteIfExists(ProducerStateTable.snapshotPath(partition, end));
    log = open();
    assertThat(append(log, batch(5, (short) 0, 40, 1)).duplicate()).isTrue();
    assertThat(append(log, batch(5, (short) 0, 41, 1)).firstOffset()).isEqualTo(41);
  }

  private static void assertFails(
      PartitionLog log, ByteBuffer batch, Class<? extends Throwable> type) {
    assertThatThrownBy(() -> log.append(batch, AppendOptions.DURABLE).get())
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(type);
  }
}
