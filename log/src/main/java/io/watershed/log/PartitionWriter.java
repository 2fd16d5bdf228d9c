package io.watershed.log;

import io.watershed.log.WriterTask.Barrier;
import io.watershed.log.WriterTask.PendingAppend;
import io.watershed.log.WriterTask.Resume;
import io.watershed.log.format.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one partition. Any thread queues {@link WriterTask}s; one drain at a time,
 * run on the log's shared writer pool, takes everything queued, checks each append against the
 * producer state, assigns offsets, writes all of it to the active segment with one gathering write
 * (rolling to a new segment when the active one is full or old), publishes the new log end and
 * hands the durable appends to the {@link DurabilityTracker}. A drain yields its pool thread to
 * other partitions after {@value #MAX_DRAIN_ROUNDS} rounds or {@value #MAX_DRAIN_BYTES} bytes a
 * round.
 *
 * <p>Failures: a failed write or roll fences the partition ({@link PartitionState#fence}); queued
 * appends are refused until a {@link Resume} task, queued at most every {@link
 * PartitionLog#WRITE_RETRY_MS} by the next append or the log manager's timer, finds room on the
 * disk, cuts any partial write off the active segment and lifts the fence. While the log ends in
 * damage of unknown extent, appends are refused and barriers complete without rolling.
 *
 * <p>Owns the task queue, the active segment's tail (bytes past its published size), the producer
 * state once loaded ({@link PartitionState#producers}) and the writes of {@link
 * PartitionState#active} and {@link PartitionState#logEndOffset}.
 *
 * <p>Thread-safety: {@link #append}, {@link #requestRoll}, {@link #barrier}, {@link
 * #retryWritesIfFenced} and {@link #failQueued} may be called from any thread. Everything else runs
 * only inside a drain; the drain records its thread, and writer-only methods assert that they run
 * on it (with {@code -ea}, as in tests).
 */
final class PartitionWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  /** Most bytes one drain writes before it yields the writer thread to other partitions. */
  private static final int MAX_DRAIN_BYTES = 4 * 1024 * 1024;

  /** Most rounds (takes of the queue) one drain runs before it yields the writer thread. */
  private static final int MAX_DRAIN_ROUNDS = 8;

  /** Producers silent for this long are forgotten (Kafka: producer.id.expiration.ms). */
  static final long PRODUCER_EXPIRATION_MS = 24L * 3600 * 1000;

  /** A retry is not worth a write while the file system has less than this free. */
  private static final long MIN_FREE_BYTES_TO_RESUME = 64 * 1024;

  private final PartitionLog log;
  private final PartitionState state;
  private final DurabilityTracker tracker;

  private final ConcurrentLinkedQueue<WriterTask> queue = new ConcurrentLinkedQueue<>();

  /** Set while a drain runs or is queued on the writer pool: at most one drain at a time. */
  private final AtomicBoolean writerScheduled = new AtomicBoolean();

  /** Set while a {@link Resume} task is queued: one attempt at a time. */
  private final AtomicBoolean resumeScheduled = new AtomicBoolean();

  /** The thread running the current drain, or null between drains; for assertions only. */
  private volatile Thread owner;

  PartitionWriter(PartitionLog log, PartitionState state, DurabilityTracker tracker) {
    this.log = log;
    this.state = state;
    this.tracker = tracker;
  }

  /** Asks the writer to roll the active segment if it holds data. */
  CompletableFuture<Void> requestRoll() {
    Barrier b = new Barrier(true, new CompletableFuture<>());
    queue.add(b);
    scheduleWriter();
    return b.done();
  }

  /**
   * Completes once every task queued before it is done (for close), exceptionally when the
   * partition is fenced.
   */
  CompletableFuture<Void> barrier() {
    Barrier b = new Barrier(false, new CompletableFuture<>());
    queue.add(b);
    scheduleWriter();
    return b.done();
  }

  /** Fails every queued task with {@code e} (for deletion, once appends are refused). */
  void failQueued(LogException e) {
    WriterTask t;
    List<WriterTask> left = new ArrayList<>();
    while ((t = queue.poll()) != null) {
      left.add(t);
    }
    failAll(left, e);
  }

  /**
   * For assertions in writer-only methods: whether the caller runs the current drain.
   *
   * @throws AssertionError naming both threads when it does not
   */
  private boolean onOwnerThread() {
    Thread o = owner;
    if (o != Thread.currentThread()) {
      throw new AssertionError(
          state.name
              + ": writer-only code ran on "
              + Thread.currentThread().getName()
              + " while the writer is "
              + (o == null ? "idle" : o.getName()));
    }
    return true;
  }

  /**
   * Validates {@code batches} on the caller's thread and queues them for the writer; see {@link
   * PartitionLog#append}. The partition is loaded (or, under the loader's lock, its load just
   * finished). Thread-safe.
   */
  CompletableFuture<AppendResult> append(ByteBuffer batches, AppendOptions options) {
    try {
      checkWritable();
      BatchValidator.Validated v =
          BatchValidator.validate(batches, state.config, options, state.ctx.clock().getAsLong());
      PendingAppend p = new PendingAppend(v, options);
      queue.add(p);
      scheduleWriter();
      return p.future;
    } catch (LogException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void checkWritable() {
    PartitionState.WriteFence f = state.fence;
    if (f != null && !scheduleResume(f)) {
      throw state.refusal(f);
    }
    LogDamage tail = state.damagedTail;
    if (tail != null) {
      throw state.damagedTailRefusal(tail);
    }
    if (state.closing) {
      throw new LogClosedException(state.name + " is closed");
    }
  }

  private void scheduleWriter() {
    if (writerScheduled.compareAndSet(false, true)) {
      state.ctx.writers().execute(this::drain);
    }
  }

  /** The writer: one instance runs at a time per partition (guarded by writerScheduled). */
  private void drain() {
    owner = Thread.currentThread();
    for (int round = 0; round < MAX_DRAIN_ROUNDS; round++) {
      List<WriterTask> tasks = new ArrayList<>();
      long bytes = 0;
      WriterTask t;
      while (bytes < MAX_DRAIN_BYTES && (t = queue.poll()) != null) {
        tasks.add(t);
        if (t instanceof PendingAppend p) {
          bytes += p.batches.totalBytes;
        }
      }
      if (tasks.isEmpty()) {
        owner = null;
        writerScheduled.set(false);
        if (queue.isEmpty() || !writerScheduled.compareAndSet(false, true)) {
          return;
        }
        owner = Thread.currentThread();
        continue;
      }
      try {
        process(tasks);
      } catch (LogStorageException e) {
        failAll(tasks, e); // already logged where the write failed
      } catch (Throwable e) {
        LOG.error("{}: writer failed", state.name, e);
        failAll(tasks, asStorageFailure(e));
      }
    }
    // Yield to other partitions; writerScheduled stays set, so no second drain can start.
    owner = null;
    state.ctx.writers().execute(this::drain);
  }

  private LogException asStorageFailure(Throwable e) {
    if (e instanceof LogException le) {
      return le;
    }
    return new LogStorageException(state.name + ": " + e, e);
  }

  private static void failAll(List<WriterTask> tasks, LogException e) {
    for (WriterTask t : tasks) {
      if (t instanceof PendingAppend p) {
        p.future.completeExceptionally(e);
      } else if (t instanceof Barrier b) {
        b.done().completeExceptionally(e);
      }
    }
  }

  /**
   * One batch of a {@link Stage}: where it goes in the stage's segment and what the segment's
   * indexes learn of it once it is written.
   *
   * @param position byte position in the segment file
   * @param size bytes of the batch
   * @param baseOffset offset of its first record
   * @param maxTimestamp its largest timestamp (the log-append time under LogAppendTime)
   * @param offsetOfMaxTimestamp offset of the record holding {@code maxTimestamp}
   * @param crc the CRC32C the batch carries, for the segment's last-batch check on reopen
   */
  private record StagedBatch(
      int position,
      int size,
      long baseOffset,
      long maxTimestamp,
      long offsetOfMaxTimestamp,
      int crc) {}

  /** Staged writes of one drain, flushed to the active segment together. */
  private static final class Stage {
    final List<ByteBuffer> buffers = new ArrayList<>();
    final List<StagedBatch> batches = new ArrayList<>();
    final List<PendingAppend> finished = new ArrayList<>();
    final List<Barrier> barriers = new ArrayList<>();
    Segment segment;
    int position;
    long nextOffset;
  }

  /**
   * Queues an attempt to lift a retryable fence when the last one is old enough; an append then
   * queues behind it instead of being refused.
   *
   * @return whether an attempt is queued
   */
  private boolean scheduleResume(PartitionState.WriteFence f) {
    if (f.sticky()
        || state.closing
        || state.ctx.clock().getAsLong() - f.sinceMs() < PartitionLog.WRITE_RETRY_MS
        || !resumeScheduled.compareAndSet(false, true)) {
      return false;
    }
    queue.add(new Resume());
    scheduleWriter();
    return true;
  }

  /** For the log manager's timer: retries a fenced partition even when no append comes. */
  void retryWritesIfFenced() {
    PartitionState.WriteFence f = state.fence;
    if (f != null) {
      scheduleResume(f);
    }
  }

  /**
   * On the writer: lifts a retryable fence when the file system has room again, after cutting any
   * partial write off the active segment (bytes beyond its published size were never acknowledged).
   * On failure the fence stays, and the next attempt waits {@link PartitionLog#WRITE_RETRY_MS}.
   */
  private void tryResume() {
    assert onOwnerThread();
    resumeScheduled.set(false);
    PartitionState.WriteFence f = state.fence;
    if (f == null || f.sticky()) {
      return;
    }
    long now = state.ctx.clock().getAsLong();
    try {
      if (Files.getFileStore(state.dir).getUsableSpace() < MIN_FREE_BYTES_TO_RESUME) {
        state.fence = new PartitionState.WriteFence(f.cause(), false, now);
        return;
      }
      Segment a = state.active;
      try (FileHandlePool.Lease lease = state.ctx.pool().acquire(a.file)) {
        if (lease.channel().size() > a.size()) {
          a.truncateAfterFailedWrite(lease.channel());
        }
      }
      state.fence = null;
      LOG.info(
          "{}: writes resume after the storage failure ({})", state.name, f.cause().getMessage());
    } catch (IOException | RuntimeException e) {
      state.fence = new PartitionState.WriteFence(f.cause(), false, now);
      LOG.debug("{}: writes cannot resume yet: {}", state.name, e.toString());
    }
  }

  private void process(List<WriterTask> tasks) throws IOException {
    assert onOwnerThread();
    if (tasks.removeIf(t -> t instanceof Resume)) {
      tryResume();
    }
    PartitionState.WriteFence f = state.fence;
    if (f != null) {
      failAll(tasks, state.refusal(f));
      return;
    }
    LogDamage tail = state.damagedTail;
    if (tail != null) {
      // Appends are refused; barriers complete without rolling (a new segment would give the
      // damaged offsets again).
      for (WriterTask t : tasks) {
        if (t instanceof PendingAppend p) {
          p.future.completeExceptionally(state.damagedTailRefusal(tail));
        } else if (t instanceof Barrier b) {
          b.done().complete(null);
        }
      }
      return;
    }
    long now = state.ctx.clock().getAsLong();
    LogConfig cfg = state.config;
    Stage stage = new Stage();
    stage.segment = state.active;
    stage.position = stage.segment.size();
    stage.nextOffset = state.logEndOffset;
    List<PendingAppend> written = new ArrayList<>();
    try {
      for (WriterTask task : tasks) {
        if (task instanceof Barrier b) {
          if (b.roll() && stage.position > 0) {
            writeStage(stage, written);
            roll(stage, now);
          }
          stage.barriers.add(b);
          continue;
        }
        PendingAppend p = (PendingAppend) task;
        BatchValidator.Validated v = p.batches;
        ProducerStateTable.BatchInfo duplicate;
        try {
          BatchValidator.checkUnchanged(v, state.name);
          duplicate = checkProducers(v);
        } catch (LogException e) {
          p.future.completeExceptionally(e);
          continue;
        }
        if (duplicate != null) {
          // A retry of a batch already in the log: report where it landed, write nothing.
          p.firstOffset = duplicate.firstOffset();
          p.lastOffset = duplicate.lastOffset();
          p.logAppendTime =
              cfg.logAppendTime() ? duplicate.timestamp() : RecordBatchLayout.NO_TIMESTAMP;
          p.duplicate = true;
          stage.finished.add(p);
          continue;
        }
        p.firstOffset = stage.nextOffset;
        for (int i = 0; i < v.count; i++) {
          int size = v.sizes[i];
          if (stage.position > 0
              && (stage.position + (long) size > cfg.segmentBytes()
                  || now - stage.segment.createdMs() >= cfg.segmentMs())) {
            writeStage(stage, written);
            roll(stage, now);
          }
          ByteBuffer buf = v.buffer;
          int at = v.positions[i];
          long base = stage.nextOffset;
          buf.putLong(at + RecordBatchLayout.BASE_OFFSET, base);
          buf.putInt(at + RecordBatchLayout.PARTITION_LEADER_EPOCH, 0);
          long maxTs;
          long offsetOfMax;
          if (cfg.logAppendTime()) {
            RecordBatchLayout.stampLogAppendTime(buf, at, now);
            maxTs = now;
            offsetOfMax = base;
            p.logAppendTime = now;
          } else {
            maxTs = v.maxTimestamps[i];
            offsetOfMax = base + v.offsetDeltaOfMaxTimestamp[i];
          }
          long producerId = RecordBatchLayout.producerId(buf, at);
          if (producerId >= 0 && !RecordBatchLayout.isControl(buf, at)) {
            int first = RecordBatchLayout.baseSequence(buf, at);
            state.producers.update(
                producerId,
                RecordBatchLayout.producerEpoch(buf, at),
                new ProducerStateTable.BatchInfo(
                    first,
                    lastSequence(first, v.offsetSpans[i] - 1),
                    base,
                    base + v.offsetSpans[i] - 1,
                    maxTs));
          }
          stage.buffers.add(buf.slice(at, size));
          stage.batches.add(
              new StagedBatch(
                  stage.position,
                  size,
                  base,
                  maxTs,
                  offsetOfMax,
                  RecordBatchLayout.storedCrc(buf, at)));
          stage.position += size;
          stage.nextOffset += v.offsetSpans[i];
        }
        p.lastOffset = stage.nextOffset - 1;
        stage.finished.add(p);
      }
      writeStage(stage, written);
    } finally {
      complete(written, stage.barriers);
    }
  }

  /**
   * Checks the batches of one append against the producer state.
   *
   * @return the retained batch this append repeats (a retry), or null when it is new
   */
  private ProducerStateTable.BatchInfo checkProducers(BatchValidator.Validated v) {
    assert onOwnerThread();
    ByteBuffer buf = v.buffer;
    ProducerStateTable.BatchInfo duplicate = null;
    Map<Long, Integer> lastInAppend = null;
    for (int i = 0; i < v.count; i++) {
      int at = v.positions[i];
      long producerId = RecordBatchLayout.producerId(buf, at);
      if (producerId < 0 || RecordBatchLayout.isControl(buf, at)) {
        continue;
      }
      short epoch = RecordBatchLayout.producerEpoch(buf, at);
      int first = RecordBatchLayout.baseSequence(buf, at);
      int last = lastSequence(first, v.offsetSpans[i] - 1);
      Integer previous = lastInAppend == null ? null : lastInAppend.get(producerId);
      if (previous != null) {
        if (first != (previous == Integer.MAX_VALUE ? 0 : previous + 1)) {
          throw new OutOfOrderSequenceException(
              "producer " + producerId + " sent sequence " + first + " after " + previous);
        }
      } else {
        ProducerStateTable.BatchInfo d = state.producers.check(producerId, epoch, first, last);
        if (d != null) {
          if (v.count > 1) {
            throw new InvalidRecordException(
                "a retried batch cannot share an append with other batches");
          }
          duplicate = d;
        }
      }
      if (lastInAppend == null) {
        lastInAppend = new HashMap<>();
      }
      lastInAppend.put(producerId, last);
    }
    return duplicate;
  }

  /** The sequence of a batch's last record; sequences wrap from Integer.MAX_VALUE to 0. */
  static int lastSequence(int baseSequence, int lastOffsetDelta) {
    return baseSequence > Integer.MAX_VALUE - lastOffsetDelta
        ? baseSequence - (Integer.MAX_VALUE - lastOffsetDelta) - 1
        : baseSequence + lastOffsetDelta;
  }

  /** Writes the staged batches to the stage's segment and publishes them. */
  private void writeStage(Stage stage, List<PendingAppend> written) throws IOException {
    assert onOwnerThread();
    if (!stage.buffers.isEmpty()) {
      Segment seg = stage.segment;
      ByteBuffer[] buffers = stage.buffers.toArray(new ByteBuffer[0]);
      long total = 0;
      for (ByteBuffer b : buffers) {
        total += b.remaining();
      }
      try (FileHandlePool.Lease lease = state.ctx.pool().acquire(seg.file)) {
        FileChannel ch = lease.channel();
        try {
          ch.position(seg.size());
          long bytes = total;
          while (total > 0) {
            total -= ch.write(buffers);
          }
          state.ctx.stats().writes.increment();
          state.ctx.stats().appendedBytes.add(bytes);
          state.ctx.stats().appendedBatches.add(buffers.length);
        } catch (IOException e) {
          LogStorageException failure = state.fenceAfter("write failed", e, false);
          try {
            seg.truncateAfterFailedWrite(ch);
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed); // cut again before writes resume
          }
          throw failure;
        }
      }
      int interval = state.config.indexIntervalBytes();
      for (StagedBatch b : stage.batches) {
        seg.addBatch(
            b.position(),
            b.size(),
            b.baseOffset(),
            b.maxTimestamp(),
            b.offsetOfMaxTimestamp(),
            b.crc(),
            interval);
      }
      tracker.written(seg);
      state.changedSinceLoad = true;
      seg.publish(stage.position, stage.nextOffset);
      state.logEndOffset = stage.nextOffset;
      stage.buffers.clear();
      stage.batches.clear();
      for (LogListener l : state.listeners) {
        try {
          l.onAppend(log, stage.nextOffset);
        } catch (RuntimeException e) {
          LOG.warn("{}: append listener failed", state.name, e);
        }
      }
    }
    written.addAll(stage.finished);
    stage.finished.clear();
  }

  private void roll(Stage stage, long now) throws IOException {
    assert onOwnerThread();
    Segment old = stage.segment;
    Segment next;
    try {
      next = Segment.create(state.dir, stage.nextOffset, state.ctx.pool(), now);
    } catch (IOException e) {
      throw state.fenceAfter("cannot roll segment", e, false);
    }
    old.setFollowingBase(next.baseOffset);
    state.segments.put(next.baseOffset, next);
    state.active = next;
    state.changedSinceLoad = true;
    state.producers.expire(now - PRODUCER_EXPIRATION_MS);
    tracker.rolled(old, next.baseOffset, state.producers.copy());
    state.ctx.stats().segmentsRolled.increment();
    stage.segment = next;
    stage.position = 0;
    tracker.requestFlush();
  }

  /** Completes what was written; appends not written (after a failure) fail. */
  private void complete(List<PendingAppend> written, List<Barrier> barriers) {
    assert onOwnerThread();
    long lso = state.logStartOffset;
    boolean waitForFsync = state.ctx.flushPolicy() instanceof FlushPolicy.Durable;
    boolean anyDurable = false;
    for (PendingAppend p : written) {
      if (!p.duplicate) {
        state.ctx.stats().appendedRecords.add(p.batches.totalRecords);
        state.traffic.appended(p.batches.totalRecords, p.batches.totalBytes);
      }
      p.result =
          new AppendResult(
              p.firstOffset,
              p.lastOffset,
              p.logAppendTime,
              lso,
              p.batches.totalRecords,
              p.batches.totalBytes,
              p.duplicate);
      if (p.options.durable() && waitForFsync) {
        tracker.awaitDurable(p);
        anyDurable = true;
      } else {
        p.future.complete(p.result);
      }
    }
    PartitionState.WriteFence f = state.fence;
    for (Barrier b : barriers) {
      if (f != null) {
        b.done().completeExceptionally(f.cause());
      } else {
        b.done().complete(null);
      }
    }
    if (anyDurable) {
      tracker.durableAppendsAdded();
    }
  }
}
