package io.watershed.log;

import io.watershed.log.format.RecordBatchLayout;
import java.util.concurrent.CompletableFuture;

/**
 * A unit of work for a partition's {@link PartitionWriter}, queued by any thread and taken by the
 * writer in order.
 */
sealed interface WriterTask
    permits WriterTask.PendingAppend, WriterTask.Barrier, WriterTask.Resume {

  /** Tries to lift a retryable write fence (see {@link PartitionWriter}). */
  record Resume() implements WriterTask {}

  /**
   * Completes once every task queued before it is done; with {@code roll}, rolls the active segment
   * first if it holds data.
   */
  record Barrier(boolean roll, CompletableFuture<Void> done) implements WriterTask {}

  /**
   * One append: validated batches on their way to the log. The writer fills in where they landed; a
   * durable append then waits in the {@link DurabilityTracker} until its last offset is fsynced.
   *
   * <p>Thread-safety: the fields the writer fills in are written before the append is handed to the
   * tracker (a concurrent queue, which publishes them) and never after.
   */
  final class PendingAppend implements WriterTask {
    final BatchValidator.Validated batches;
    final AppendOptions options;
    final CompletableFuture<AppendResult> future = new CompletableFuture<>();
    long firstOffset;
    long lastOffset;
    long logAppendTime = RecordBatchLayout.NO_TIMESTAMP;
    boolean duplicate;
    AppendResult result;

    PendingAppend(BatchValidator.Validated batches, AppendOptions options) {
      this.batches = batches;
      this.options = options;
    }
  }
}
