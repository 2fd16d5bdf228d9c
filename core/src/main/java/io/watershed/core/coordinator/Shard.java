package io.watershed.core.coordinator;

import io.watershed.core.coordinator.CoordinatorException.Reason;
import io.watershed.core.coordinator.CoordinatorRecords.Stored;
import io.watershed.core.schedule.SerialScheduler;
import io.watershed.log.LogException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard: its partition, the state of every namespace that has used it, and the operations
 * waiting for it.
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>Everything but {@link #submit} and {@link #close} runs on the owner (the shard's {@link
 *       SerialScheduler}), one task at a time, and checks it ({@link #assertOwner}).
 *   <li>At most one batch is being appended ({@link #inFlight}). While none is, every loaded state
 *       equals the replay of the partition's records in [start, {@link #committedEnd}): the
 *       committed state. While one is, the states also hold that batch's records.
 *   <li>Operations run in submission order. A write runs as soon as it is reached, on the state its
 *       predecessors left (so several writes share one batch and one fsync: group commit); a read
 *       waits until the batch before it has committed.
 *   <li>A failed append changes nothing: the states it touched are thrown away and replayed from
 *       the log up to {@link #committedEnd} — the same replay that loads them.
 * </ul>
 */
final class Shard {
  private static final Logger LOG = LoggerFactory.getLogger(Shard.class);

  /** Bytes read from the log per step of a load. */
  static final int READ_BYTES = 1 << 20;

  private final int id;
  private final CoordinatorLog log;
  private final SerialScheduler scheduler;
  private final CoordinatorConfig config;
  private final CoordinatorStats stats;

  // ---- any thread ----
  private final ConcurrentLinkedQueue<Operation<?, ?>> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private volatile boolean closed;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();

  // ---- owner only ----
  private Thread owner;
  private final Map<CoordinatorNamespace<?>, CoordinatorShard> states = new HashMap<>();
  private final Map<CoordinatorNamespace<?>, CoordinatorException> loadFailures = new HashMap<>();
  private final Map<TimerKey, TimerEntry> timers = new HashMap<>();
  private Batch inFlight;

  /** The end of what this shard has committed; -1 until first used. */
  private long committedEnd = -1;

  /** Set when records beyond {@link #committedEnd} reached the log: writes are refused. */
  private CoordinatorException fence;

  Shard(
      int id,
      CoordinatorLog log,
      SerialScheduler scheduler,
      CoordinatorConfig config,
      CoordinatorStats stats) {
    this.id = id;
    this.log = log;
    this.scheduler = scheduler;
    this.config = config;
    this.stats = stats;
  }

  int id() {
    return id;
  }

  SerialScheduler scheduler() {
    return scheduler;
  }

  // ---- operations -------------------------------------------------------------------------------

  /** An operation waiting for the shard. */
  private abstract static sealed class Operation<S extends CoordinatorShard, T>
      permits Write, Read {
    final CoordinatorNamespace<S> namespace;
    final CompletableFuture<T> future = new CompletableFuture<>();

    Operation(CoordinatorNamespace<S> namespace) {
      this.namespace = namespace;
    }
  }

  private static final class Write<S extends CoordinatorShard, T> extends Operation<S, T> {
    final WriteOperation<S, T> handler;
    T response;

    /** The handler's {@link CoordinatorResult#appendFuture}, once it has run; may be null. */
    CompletableFuture<Void> appendFuture;

    Write(CoordinatorNamespace<S> namespace, WriteOperation<S, T> handler) {
      super(namespace);
      this.handler = handler;
    }
  }

  private static final class Read<S extends CoordinatorShard, T> extends Operation<S, T> {
    final ReadOperation<S, T> reader;

    Read(CoordinatorNamespace<S> namespace, ReadOperation<S, T> reader) {
      super(namespace);
      this.reader = reader;
    }
  }

  /** Writes whose records are being appended together, and the namespaces they touched. */
  private record Batch(
      List<Write<?, ?>> writes, Set<CoordinatorNamespace<?>> touched, int records) {}

  <S extends CoordinatorShard, T> CompletableFuture<T> write(
      CoordinatorNamespace<S> namespace, WriteOperation<S, T> handler) {
    return submit(new Write<>(namespace, handler));
  }

  <S extends CoordinatorShard, T> CompletableFuture<T> read(
      CoordinatorNamespace<S> namespace, ReadOperation<S, T> reader) {
    return submit(new Read<>(namespace, reader));
  }

  /** Queues an operation; any thread. */
  private <T> CompletableFuture<T> submit(Operation<?, T> op) {
    if (closed) {
      return CompletableFuture.failedFuture(closedError());
    }
    if (queued.incrementAndGet() > config.maxQueuedOperations()) {
      queued.decrementAndGet();
      return CompletableFuture.failedFuture(
          new CoordinatorException(
              Reason.OVERLOADED,
              "coordinator shard "
                  + id
                  + " already has "
                  + config.maxQueuedOperations()
                  + " operations waiting"));
    }
    queue.add(op);
    scheduleDrain();
    return op.future;
  }

  private void scheduleDrain() {
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        scheduler.execute(() -> asOwner(this::drain));
      } catch (RejectedExecutionException e) {
        drainScheduled.set(false);
        failQueued(closedError());
      }
    }
  }

  // ---- the owner's loop -------------------------------------------------------------------------

  private void asOwner(Runnable task) {
    Thread previous = owner;
    owner = Thread.currentThread();
    try {
      task.run();
    } finally {
      owner = previous;
    }
  }

  private void assertOwner() {
    if (owner != Thread.currentThread()) {
      throw new IllegalStateException(
          "coordinator shard " + id + " used from " + Thread.currentThread().getName());
    }
  }

  /**
   * Takes operations in order: reads while no batch is pending, writes into one batch (up to {@link
   * CoordinatorConfig#maxBatchBytes}), then appends that batch. Returns while a batch is in flight;
   * its completion drains on.
   */
  private void drain() {
    assertOwner();
    drainScheduled.set(false);
    if (inFlight != null) {
      return;
    }
    if (closed) {
      failQueued(closedError());
      finishClose();
      return;
    }
    if (committedEnd < 0) {
      try {
        committedEnd = log.endOffset();
      } catch (RuntimeException e) {
        // The partition could not be opened: refuse what waits now, try again on the next call.
        failQueued(
            new CoordinatorException(
                Reason.LOAD_FAILED,
                "coordinator shard " + id + " cannot open " + log.name() + ": " + e.getMessage(),
                e));
        return;
      }
    }
    List<Write<?, ?>> writes = new ArrayList<>();
    List<Stored> records = new ArrayList<>();
    Set<CoordinatorNamespace<?>> touched = new LinkedHashSet<>();
    int bytes = 0;
    Operation<?, ?> op;
    while ((op = queue.peek()) != null) {
      if (!writes.isEmpty() && (op instanceof Read<?, ?> || bytes >= config.maxBatchBytes())) {
        break;
      }
      queue.poll();
      queued.decrementAndGet();
      switch (op) {
        case Read<?, ?> r -> runRead(r);
        case Write<?, ?> w -> bytes += runWrite(w, writes, records, touched);
      }
    }
    if (writes.isEmpty()) {
      return;
    }
    if (records.isEmpty()) {
      // Nothing to append: the state is unchanged, and everything before is committed.
      for (Write<?, ?> w : writes) {
        complete(w);
      }
      return;
    }
    Batch batch = new Batch(writes, touched, records.size());
    inFlight = batch;
    CompletableFuture<Long> appended;
    try {
      appended = log.append(CoordinatorRecords.batch(records, scheduler.nowMs()));
    } catch (RuntimeException e) {
      appended = CompletableFuture.failedFuture(e);
    }
    appended.whenComplete(
        (end, error) -> {
          try {
            scheduler.execute(() -> asOwner(() -> appended(batch, end, error)));
          } catch (RejectedExecutionException e) {
            // The threads are closed: nobody waits for these writes any more.
            failWrites(batch, closedError());
          }
        });
  }

  private <S extends CoordinatorShard, T> void runRead(Read<S, T> r) {
    try {
      S state = stateOf(r.namespace);
      T answer = r.reader.run(state);
      stats.reads.increment();
      r.future.complete(answer);
    } catch (RuntimeException e) {
      r.future.completeExceptionally(e);
    }
  }

  /**
   * Runs a write's handler and replays its records into the state (so the next write sees them),
   * adding them to the batch being built.
   *
   * @return the bytes the write adds to the batch
   */
  private <S extends CoordinatorShard, T> int runWrite(
      Write<S, T> w,
      List<Write<?, ?>> writes,
      List<Stored> records,
      Set<CoordinatorNamespace<?>> touched) {
    CoordinatorResult<T> result;
    S state;
    try {
      if (fence != null) {
        throw fence;
      }
      state = stateOf(w.namespace);
      result = w.handler.run(state);
    } catch (RuntimeException e) {
      fail(w, e);
      return 0;
    }
    w.appendFuture = result.appendFuture();
    int size = 0;
    for (CoordinatorRecord r : result.records()) {
      size += CoordinatorRecords.sizeInBatch(w.namespace.nameBytes(), r);
    }
    if (size > config.maxWriteBytes()) {
      fail(
          w,
          new CoordinatorException(
              Reason.TOO_LARGE,
              "a write of "
                  + result.records().size()
                  + " records takes "
                  + size
                  + " bytes; the limit is "
                  + config.maxWriteBytes()));
      return 0;
    }
    int applied = 0;
    try {
      for (CoordinatorRecord r : result.records()) {
        applied++;
        state.replay(r.key(), r.value());
      }
    } catch (RuntimeException e) {
      fail(
          w,
          new CoordinatorException(
              Reason.INVALID_RECORDS,
              "namespace "
                  + w.namespace.name()
                  + " could not replay record "
                  + applied
                  + " of its own write: "
                  + e,
              e));
      // The state may hold part of this write: rebuild it from the log, then put back what the
      // earlier writes of this batch applied.
      rebuild(Set.of(w.namespace));
      try {
        S rebuilt = stateOf(w.namespace);
        for (Stored s : records) {
          if (s.namespace() == w.namespace.nameBytes()) {
            rebuilt.replay(s.record().key(), s.record().value());
          }
        }
      } catch (RuntimeException again) {
        // Loaded again from the log on next use, once this batch has committed.
        states.remove(w.namespace);
        LOG.error("coordinator shard {} could not restore {}: {}", id, w.namespace.name(), again);
      }
      return 0;
    }
    w.response = result.response();
    for (CoordinatorRecord r : result.records()) {
      records.add(new Stored(w.namespace.nameBytes(), r));
    }
    if (!result.records().isEmpty()) {
      touched.add(w.namespace);
    }
    writes.add(w);
    return size;
  }

  /** Where the append of {@code batch} ended. */
  private void appended(Batch batch, Long end, Throwable error) {
    assertOwner();
    inFlight = null;
    if (error == null) {
      committedEnd = end;
      stats.batches.increment();
      stats.recordsWritten.add(batch.records());
      for (CoordinatorNamespace<?> ns : batch.touched()) {
        CoordinatorShard state = states.get(ns);
        if (state != null) {
          state.committed();
        }
      }
      for (Write<?, ?> w : batch.writes()) {
        complete(w);
      }
    } else {
      Throwable cause = unwrap(error);
      stats.failedAppends.increment();
      long logEnd = safeEndOffset();
      if (logEnd > committedEnd) {
        fence =
            new CoordinatorException(
                Reason.STORAGE,
                "coordinator shard "
                    + id
                    + " takes no writes until restarted: records of a failed write reached "
                    + log.name()
                    + " (end "
                    + logEnd
                    + ", committed "
                    + committedEnd
                    + ")",
                cause);
        LOG.error("{}", fence.getMessage());
      }
      rebuild(batch.touched());
      failWrites(
          batch,
          new CoordinatorException(
              Reason.STORAGE,
              "coordinator shard " + id + ": the write failed: " + cause.getMessage(),
              cause));
    }
    if (closed) {
      failQueued(closedError());
      finishClose();
      return;
    }
    drain();
  }

  private long safeEndOffset() {
    try {
      return log.endOffset();
    } catch (RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  private <T> void complete(Write<?, T> w) {
    stats.writes.increment();
    if (w.appendFuture != null) {
      w.appendFuture.complete(null);
    }
    w.future.complete(w.response);
  }

  private void fail(Operation<?, ?> op, Throwable e) {
    if (op instanceof Write<?, ?> w) {
      stats.failedWrites.increment();
      if (w.appendFuture != null) {
        w.appendFuture.completeExceptionally(e);
      }
    }
    op.future.completeExceptionally(e);
  }

  private void failWrites(Batch batch, CoordinatorException e) {
    for (Write<?, ?> w : batch.writes()) {
      fail(w, e);
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  // ---- loading: the one replay path -------------------------------------------------------------

  /** The namespace's state on this shard, loaded from the log on first use. */
  @SuppressWarnings("unchecked")
  private <S extends CoordinatorShard> S stateOf(CoordinatorNamespace<S> ns) {
    CoordinatorShard state = states.get(ns);
    if (state != null) {
      return (S) state;
    }
    CoordinatorException failed = loadFailures.get(ns);
    if (failed != null) {
      throw failed;
    }
    load(Set.of(ns));
    return (S) states.get(ns);
  }

  /** Throws away the states of {@code namespaces} and replays them from the log. */
  private void rebuild(Set<CoordinatorNamespace<?>> namespaces) {
    stats.rebuilds.increment();
    for (CoordinatorNamespace<?> ns : namespaces) {
      states.remove(ns);
    }
    try {
      load(namespaces);
    } catch (CoordinatorException e) {
      LOG.error("coordinator shard {} could not rebuild its state: {}", id, e.getMessage());
    }
  }

  /**
   * Builds fresh states for {@code namespaces} by replaying every record of theirs in [start,
   * {@link #committedEnd}), then marks them committed. On failure the namespaces stay unloaded and
   * every later operation on them fails with the same error.
   */
  private void load(Set<CoordinatorNamespace<?>> namespaces) {
    assertOwner();
    Map<String, CoordinatorShard> fresh = new HashMap<>();
    for (CoordinatorNamespace<?> ns : namespaces) {
      fresh.put(ns.name(), ns.newState(id));
    }
    long end = committedEnd;
    long next = -1;
    try {
      next = log.startOffset();
      while (next < end) {
        ByteBuffer batches = log.read(next, READ_BYTES);
        if (!batches.hasRemaining()) {
          throw new IOException("the log ends at " + next + " before its committed end " + end);
        }
        long from = next;
        next =
            CoordinatorRecords.forEachRecord(
                batches,
                from,
                end,
                r -> {
                  CoordinatorShard state = fresh.get(r.namespace());
                  if (state != null) {
                    replayAtLoad(state, r);
                  }
                });
        if (next <= from) {
          throw new IOException("no progress reading at offset " + from);
        }
      }
    } catch (IOException | LogException | CoordinatorException e) {
      CoordinatorException failure =
          e instanceof CoordinatorException ce && ce.reason() == Reason.LOAD_FAILED
              ? ce
              : new CoordinatorException(
                  Reason.LOAD_FAILED,
                  "coordinator shard "
                      + id
                      + " cannot load "
                      + log.name()
                      + " at offset "
                      + next
                      + ": "
                      + e.getMessage(),
                  e);
      for (CoordinatorNamespace<?> ns : namespaces) {
        loadFailures.put(ns, failure);
      }
      LOG.error("{}", failure.getMessage());
      throw failure;
    }
    for (CoordinatorNamespace<?> ns : namespaces) {
      CoordinatorShard state = fresh.get(ns.name());
      states.put(ns, state);
      loadFailures.remove(ns);
      state.committed();
    }
  }

  private void replayAtLoad(CoordinatorShard state, CoordinatorRecords.Replayed r) {
    try {
      state.replay(r.key(), r.value());
    } catch (RuntimeException e) {
      throw new CoordinatorException(
          Reason.LOAD_FAILED,
          "namespace "
              + r.namespace()
              + " cannot replay the record at offset "
              + r.offset()
              + " of "
              + log.name()
              + ": "
              + e,
          e);
    }
    stats.recordsReplayed.increment();
  }

  // ---- timers -----------------------------------------------------------------------------------

  private record TimerKey(CoordinatorNamespace<?> namespace, String key) {}

  private static final class TimerEntry {
    SerialScheduler.Timer timer;
    boolean cancelled;
  }

  /**
   * Runs {@code op} as a write of {@code ns} once {@code delayMs} have passed, replacing the timer
   * of the same key; any thread.
   */
  <S extends CoordinatorShard> void schedule(
      CoordinatorNamespace<S> ns, String key, long delayMs, WriteOperation<S, ?> op) {
    onOwner(
        () -> {
          TimerKey k = new TimerKey(ns, key);
          cancelTimer(k);
          TimerEntry entry = new TimerEntry();
          timers.put(k, entry);
          entry.timer =
              scheduler.schedule(
                  delayMs,
                  () ->
                      asOwner(
                          () -> {
                            if (entry.cancelled || timers.get(k) != entry) {
                              return;
                            }
                            timers.remove(k);
                            write(ns, op)
                                .whenComplete(
                                    (r, e) -> {
                                      if (e != null) {
                                        LOG.debug("timer {} of shard {} failed: {}", key, id, e);
                                      }
                                    });
                          }));
        });
  }

  /** Cancels the timer of {@code key}, if any; any thread. */
  void cancel(CoordinatorNamespace<?> ns, String key) {
    onOwner(() -> cancelTimer(new TimerKey(ns, key)));
  }

  private void cancelTimer(TimerKey k) {
    TimerEntry old = timers.remove(k);
    if (old != null) {
      old.cancelled = true;
      old.timer.cancel();
    }
  }

  private void onOwner(Runnable task) {
    if (owner == Thread.currentThread()) {
      task.run();
    } else if (!closed) {
      try {
        scheduler.execute(() -> asOwner(task));
      } catch (RejectedExecutionException e) {
        // Closed: timers no longer matter.
      }
    }
  }

  // ---- close ------------------------------------------------------------------------------------

  /**
   * Refuses new operations, fails those waiting and, once the batch in flight (if any) has
   * completed, completes the returned future. Any thread.
   */
  CompletableFuture<Void> close() {
    closed = true;
    try {
      scheduler.execute(
          () ->
              asOwner(
                  () -> {
                    for (TimerEntry t : timers.values()) {
                      t.cancelled = true;
                      t.timer.cancel();
                    }
                    timers.clear();
                    failQueued(closedError());
                    finishClose();
                  }));
    } catch (RejectedExecutionException e) {
      failQueued(closedError());
      drained.complete(null);
    }
    return drained;
  }

  private void finishClose() {
    if (inFlight == null) {
      drained.complete(null);
    }
  }

  private void failQueued(CoordinatorException e) {
    Operation<?, ?> op;
    while ((op = queue.poll()) != null) {
      queued.decrementAndGet();
      fail(op, e);
    }
  }

  private CoordinatorException closedError() {
    return new CoordinatorException(Reason.CLOSED, "the coordinator runtime is closed");
  }
}
