package io.watershed.core.subscription;

import io.watershed.core.schedule.SerialScheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one subscription's cursor to its {@link CursorStore} as its {@link CheckpointPolicy} says.
 * Invariants: at most one write is in flight; what it reports as written ({@link
 * #lastWrittenMarkDelete()}) is what a completed write made durable, never what is still in flight;
 * a failed write is tried again (with a growing delay) until one succeeds, and the work it covered
 * still counts towards the next. Runs on the subscription's scheduler thread.
 */
final class CursorWriter {
  private static final Logger LOG = LoggerFactory.getLogger(CursorWriter.class);

  private final String subscription;
  private final CursorStore store;
  private final SerialScheduler scheduler;
  private final Supplier<StoredCursor> snapshot;
  private CheckpointPolicy policy;

  private int doneSinceWrite;
  private long lastWriteAtMs;
  private byte[] lastWritten;
  private long lastWrittenMarkDelete = -1;
  private boolean writing;
  private boolean writeAgain;
  private int failuresInARow;
  private long failedWrites;
  private String lastError;
  private SerialScheduler.Timer timer;
  private boolean closed;
  private final List<CompletableFuture<Void>> flushes = new ArrayList<>();

  /**
   * @param durable the cursor already durable in the store (loaded, or written at creation), or
   *     null when none is
   */
  CursorWriter(
      String subscription,
      CursorStore store,
      SerialScheduler scheduler,
      CheckpointPolicy policy,
      Supplier<StoredCursor> snapshot,
      StoredCursor durable) {
    this.subscription = subscription;
    this.store = store;
    this.scheduler = scheduler;
    this.policy = policy;
    this.snapshot = snapshot;
    this.lastWriteAtMs = scheduler.nowMs();
    if (durable != null) {
      lastWritten = CursorCodec.encode(durable);
      lastWrittenMarkDelete = durable.markDelete();
    }
  }

  void policy(CheckpointPolicy p) {
    policy = p;
    decide();
  }

  /** {@code n} more pieces of work are done. */
  void done(int n) {
    doneSinceWrite += n;
    decide();
  }

  /** The cursor moved without work being done (a seek): write it now. */
  void moved() {
    write();
  }

  /**
   * Writes the cursor as it stands now, unless that is what was last written. Completes once it is
   * durable, or exceptionally when the write fails (a later attempt may still succeed).
   */
  CompletableFuture<Void> flush() {
    if (Arrays.equals(CursorCodec.encode(snapshot.get()), lastWritten)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    flushes.add(f);
    write();
    return f;
  }

  /** Stops timers and retries; a write in flight still completes. */
  void close() {
    closed = true;
    cancelTimer();
  }

  private void decide() {
    if (writing || closed) {
      return;
    }
    if (doneSinceWrite >= policy.maxDone()) {
      write();
    } else if (doneSinceWrite >= policy.minDone() && timer == null) {
      long wait = lastWriteAtMs + policy.intervalMs() - scheduler.nowMs();
      if (wait <= 0) {
        write();
      } else {
        timer = scheduler.schedule(wait, this::onTimer);
      }
    }
  }

  private void onTimer() {
    timer = null;
    if (!closed) {
      write();
    }
  }

  private void write() {
    cancelTimer();
    if (writing) {
      writeAgain = true;
      return;
    }
    StoredCursor c = snapshot.get();
    byte[] bytes = CursorCodec.encode(c);
    int covered = doneSinceWrite;
    doneSinceWrite = 0;
    if (Arrays.equals(bytes, lastWritten)) {
      lastWriteAtMs = scheduler.nowMs();
      completeFlushes(null);
      return;
    }
    writing = true;
    CompletableFuture<Void> saved;
    try {
      saved = store.saveCursor(subscription, bytes);
    } catch (RuntimeException e) {
      saved = CompletableFuture.failedFuture(e);
    }
    saved.whenComplete(
        (ok, error) -> {
          try {
            scheduler.execute(() -> written(bytes, c.markDelete(), covered, error));
          } catch (RejectedExecutionException schedulerClosed) {
            LOG.debug("Cursor of {} written after its scheduler closed", subscription);
          }
        });
  }

  private void written(byte[] bytes, long markDelete, int covered, Throwable error) {
    writing = false;
    if (error == null) {
      lastWritten = bytes;
      lastWrittenMarkDelete = markDelete;
      lastWriteAtMs = scheduler.nowMs();
      failuresInARow = 0;
      if (writeAgain || !flushes.isEmpty()) {
        writeAgain = false;
        write(); // completes the flushes once what is written is the cursor as it stands
      } else {
        decide();
      }
      return;
    }
    failuresInARow++;
    failedWrites++;
    lastError = error.toString();
    doneSinceWrite += covered;
    writeAgain = false;
    completeFlushes(error);
    if (failuresInARow == 1 || failuresInARow % 100 == 0) {
      LOG.warn(
          "The cursor of {} cannot be written ({} failure(s) in a row); retrying: {}",
          subscription,
          failuresInARow,
          lastError);
    }
    if (!closed) {
      long delay =
          Math.min(
              policy.maxRetryDelayMs(), policy.retryDelayMs() << Math.min(20, failuresInARow - 1));
      timer = scheduler.schedule(delay, this::onTimer);
    }
  }

  private void completeFlushes(Throwable error) {
    List<CompletableFuture<Void>> waiting = List.copyOf(flushes);
    flushes.clear();
    for (CompletableFuture<Void> f : waiting) {
      if (error == null) {
        f.complete(null);
      } else {
        f.completeExceptionally(error);
      }
    }
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }

  /** The mark-delete position of the last cursor made durable; -1 when none is. */
  long lastWrittenMarkDelete() {
    return lastWrittenMarkDelete;
  }

  long failedWrites() {
    return failedWrites;
  }

  /** Why the last write failed, or null when none has. */
  String lastError() {
    return lastError;
  }
}
