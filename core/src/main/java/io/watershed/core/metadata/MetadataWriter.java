package io.watershed.core.metadata;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's single writer: the one thread that appends to the command log, applies commands and
 * takes snapshots. Submitters hand it commands through a bounded queue; it drains what has queued
 * up, appends it all with one fsync (group commit), then applies each command in index order, tells
 * the listener and completes the submitter's future.
 *
 * <p>Invariants: a command is applied only after it is durable; futures complete in index order;
 * snapshots are taken only between batches, when everything logged has been applied.
 *
 * <p>A failed append or an exception while applying is sticky: the writer fails that batch and
 * every later submission, because the log and the applied state can no longer be trusted to agree
 * until recovery runs on the next open.
 *
 * <p>{@link #submit} and {@link #stop} are thread-safe; {@link #run} is the writer thread's body.
 */
final class MetadataWriter implements Runnable {

  /** Upper bound on the payload bytes one group commit gathers, so a batch's buffer stays small. */
  static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(MetadataWriter.class);

  /** What the queue carries. */
  private sealed interface Task permits Submission, Stop {}

  private record Submission(
      MetadataCommand command, byte[] payload, CompletableFuture<CommandResult> result)
      implements Task {}

  /** Enqueued last, by {@link #stop}: finish what is queued before it, then shut down. */
  private enum Stop implements Task {
    INSTANCE
  }

  private final BlockingQueue<Task> queue;
  private final MetadataLog log;
  private final MetadataStateMachine machine;
  private final MetadataSnapshots snapshots;
  private final MetadataListener listener;
  private final MetadataStoreOptions options;

  /** Guards {@link #accepting} and {@link #failure}, so nothing is enqueued after {@link Stop}. */
  private final Object lock = new Object();

  private boolean accepting = true;
  private Throwable failure;

  /** Writer thread only. */
  private long lastSnapshotIndex;

  /** Written by the writer thread only, read by anyone. */
  private volatile long commandsLogged;

  private volatile long groupCommits;
  private volatile long snapshotsTaken;

  /** Set by the writer thread before it ends; read after joining it. */
  private volatile IOException shutdownFailure;

  MetadataWriter(
      MetadataLog log,
      MetadataStateMachine machine,
      MetadataSnapshots snapshots,
      MetadataListener listener,
      MetadataStoreOptions options,
      long lastSnapshotIndex) {
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.log = log;
    this.machine = machine;
    this.snapshots = snapshots;
    this.listener = listener;
    this.options = options;
    this.lastSnapshotIndex = lastSnapshotIndex;
  }

  /**
   * Queues a validated command with its serialised form. The future fails with an {@link
   * IllegalStateException} once {@link #stop} was called, a {@link RejectedExecutionException} when
   * the queue is full, or an {@link IOException} once the writer has failed.
   */
  CompletableFuture<CommandResult> submit(MetadataCommand command, byte[] payload) {
    CompletableFuture<CommandResult> result = new CompletableFuture<>();
    synchronized (lock) {
      if (failure != null) {
        return CompletableFuture.failedFuture(failedEarlier());
      }
      if (!accepting) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("the metadata store is closed"));
      }
      if (!queue.offer(new Submission(command, payload, result))) {
        return CompletableFuture.failedFuture(
            new RejectedExecutionException(
                "the metadata store has "
                    + options.queueCapacity()
                    + " commands waiting already; try again later"));
      }
    }
    return result;
  }

  /**
   * Stops accepting commands; the writer finishes those queued, snapshots, closes the log and ends.
   * Idempotent; returns without waiting for the writer.
   */
  void stop() throws InterruptedException {
    synchronized (lock) {
      if (!accepting) {
        return;
      }
      accepting = false;
    }
    queue.put(Stop.INSTANCE);
  }

  /** Returns what the writer has done so far. Thread-safe. */
  MetadataStoreCounters counters() {
    return new MetadataStoreCounters(commandsLogged, groupCommits, snapshotsTaken);
  }

  /**
   * Returns what went wrong while shutting down (the final snapshot or closing the log), or null.
   * Valid once the writer thread has ended.
   */
  IOException shutdownFailure() {
    return shutdownFailure;
  }

  @Override
  public void run() {
    List<Submission> batch = new ArrayList<>();
    try {
      boolean stopping = false;
      while (!stopping) {
        stopping = takeBatch(batch);
        process(batch);
        batch.clear();
      }
      shutDown();
    } catch (InterruptedException e) {
      fail(e);
      failAll(batch, e);
      Thread.currentThread().interrupt();
      closeLogQuietly();
    } catch (Throwable t) {
      fail(t);
      failAll(batch, t);
      closeLogQuietly();
      throw t;
    } finally {
      drainAndFailQueue();
    }
  }

  /** Moves waiting submissions into {@code batch}; returns true when {@link Stop} was reached. */
  private boolean takeBatch(List<Submission> batch) throws InterruptedException {
    Task task = queue.take();
    long bytes = 0;
    while (task instanceof Submission submission) {
      batch.add(submission);
      bytes += submission.payload().length;
      if (batch.size() >= options.maxBatchCommands() || bytes >= MAX_BATCH_BYTES) {
        return false;
      }
      task = queue.poll();
      if (task == null) {
        return false;
      }
    }
    return true;
  }

  private void process(List<Submission> batch) {
    if (batch.isEmpty()) {
      return;
    }
    if (hasFailed()) {
      failAll(batch, failedEarlier());
      return;
    }
    try {
      long firstIndex = log.nextIndex();
      log.append(batch.stream().map(Submission::payload).toList());
      groupCommits++;
      commandsLogged += batch.size();
      for (int i = 0; i < batch.size(); i++) {
        applyAndAcknowledge(firstIndex + i, batch.get(i));
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("The metadata store failed and refuses further commands until it is reopened.", e);
      fail(e);
      failAll(batch, e);
      return;
    }
    if (machine.lastAppliedIndex() - lastSnapshotIndex >= options.snapshotInterval()) {
      try {
        snapshot();
      } catch (IOException e) {
        LOG.warn(
            "Metadata snapshot at index {} failed; the command log still holds every command."
                + " Retrying after {} more commands.",
            machine.lastAppliedIndex(),
            options.snapshotInterval(),
            e);
        lastSnapshotIndex = machine.lastAppliedIndex();
      }
    }
  }

  private void applyAndAcknowledge(long index, Submission submission) {
    CommandResult result = machine.apply(index, submission.command());
    try {
      listener.onApplied(index, submission.command(), result, machine.image());
    } catch (RuntimeException e) {
      LOG.error("Metadata listener failed on index {}; the command stays applied.", index, e);
    }
    submission.result().complete(result);
  }

  /**
   * Snapshots the applied state, then lets go of what is no longer needed: older snapshots and the
   * log files that only they needed.
   */
  private void snapshot() throws IOException {
    lastSnapshotIndex = machine.takeSnapshot(snapshots::write);
    snapshotsTaken++;
    log.roll();
    log.deleteFilesUpTo(snapshots.prune());
  }

  private void shutDown() {
    try {
      if (!hasFailed() && machine.lastAppliedIndex() > lastSnapshotIndex) {
        snapshot();
      }
    } catch (IOException e) {
      shutdownFailure = e;
    } finally {
      try {
        log.close();
      } catch (IOException e) {
        if (shutdownFailure == null) {
          shutdownFailure = e;
        } else {
          shutdownFailure.addSuppressed(e);
        }
      }
    }
  }

  private boolean hasFailed() {
    synchronized (lock) {
      return failure != null;
    }
  }

  private void fail(Throwable cause) {
    synchronized (lock) {
      if (failure == null) {
        failure = cause;
      }
      accepting = false;
    }
  }

  private IOException failedEarlier() {
    synchronized (lock) {
      return new IOException("the metadata store failed earlier; reopen it to recover", failure);
    }
  }

  private void drainAndFailQueue() {
    List<Task> left = new ArrayList<>();
    queue.drainTo(left);
    for (Task task : left) {
      if (task instanceof Submission submission) {
        submission.result().completeExceptionally(failedEarlier());
      }
    }
  }

  private void closeLogQuietly() {
    try {
      log.close();
    } catch (IOException e) {
      LOG.warn("Closing the command log failed.", e);
    }
  }

  private static void failAll(List<Submission> batch, Throwable cause) {
    for (Submission submission : batch) {
      submission.result().completeExceptionally(cause);
    }
  }
}
