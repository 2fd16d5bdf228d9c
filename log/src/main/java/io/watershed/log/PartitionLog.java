package io.watershed.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition: an ordered set of segments with a single writer.
 *
 * <h2>Parts</h2>
 *
 * This class is the partition's public face: appends, reads, offsets, damage, close. The work is
 * done by parts that share one {@link PartitionState}: the {@link PartitionLoader} opens and
 * recovers the partition on first use, the {@link PartitionWriter} is its single writer, the {@link
 * DurabilityTracker} fsyncs and completes durable appends, and {@link Retention} removes old
 * segments. Each part's javadoc states what it owns and on which threads it runs.
 *
 * <h2>Appends and group commit</h2>
 *
 * {@link #append} validates on the caller's thread and queues the batches. One drain at a time (the
 * partition's writer, run on the shared writer pool) takes everything queued, assigns offsets,
 * writes all of it with one gathering write and publishes the new end. Durable appends then wait
 * for the flusher, which fsyncs whatever has been written when it runs: appends that arrive during
 * an fsync are covered by the next one, so many appends share each fsync while the writer keeps
 * writing.
 *
 * <h2>Readers</h2>
 *
 * Reads never take the writer's lock: segments are found in a concurrent map, sealed segments are
 * immutable, and the active segment publishes its size and end offset through volatile fields after
 * the bytes and index entries they cover are written.
 *
 * <h2>Failures</h2>
 *
 * A failed write (a full disk fails write(2), the creation of a segment file, a directory fsync)
 * fences the partition: appends are refused with {@link LogStorageException}, reads go on, and what
 * was written before is still made durable. The partition resumes by itself once the disk takes
 * writes again: a retry at most every {@link #WRITE_RETRY_MS} (on the next append, and by {@link
 * LogManager}'s timer) cuts any partial write off the active segment first. A failed fsync of
 * records fences the partition until it is reopened: the kernel may have dropped the dirty pages,
 * so writing on could acknowledge data on top of a hole; the restart's recovery scan decides.
 *
 * <h2>Damage</h2>
 *
 * Segments are verified before they are served ({@link Segment}); damaged ranges are fenced, never
 * cut off, except a torn tail after the recovery point in crash recovery. When the last segment
 * ends in damage whose end offset is known, a new segment starts at that offset, so appends go on
 * and no offset is ever given twice; when that end is not known, the partition refuses appends (and
 * reads at its end fail) until an operator skips the damage ({@link LogCleaner#skipDamage}).
 */
public final class PartitionLog {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  private final PartitionState state;
  private final DurabilityTracker tracker;
  private final PartitionWriter writer;
  private final PartitionLoader loader;
  private final Retention retention;

  /** The state's segments by base offset; the cleaner and tests read them here. */
  final ConcurrentSkipListMap<Long, Segment> segments;

  /** The state's maintenance lock: serialises retention, delete-records and compaction. */
  final ReentrantLock maintenance;

  /**
   * Least time between two attempts to resume writes after a failed write (the writer's retries and
   * the log manager's timer).
   */
  static final long WRITE_RETRY_MS = 1000;

  /** Offsets below this were compacted by this process; the cleaner's progress. */
  volatile long firstDirtyOffset;

  PartitionLog(String name, Path dir, LogConfig config, LogContext ctx, long recoveryPoint) {
    this.state = new PartitionState(name, dir, config, ctx);
    this.tracker = new DurabilityTracker(state);
    this.writer = new PartitionWriter(this, state, tracker);
    this.loader = new PartitionLoader(state, tracker, writer, recoveryPoint);
    this.retention = new Retention(state, writer);
    this.segments = state.segments;
    this.maintenance = state.maintenance;
  }

  /** The name this partition was opened under (its directory name). */
  public String name() {
    return state.name;
  }

  public LogConfig config() {
    return state.config;
  }

  /** Installs a new configuration; it applies to appends, rolls and retention from now on. */
  public void updateConfig(LogConfig newConfig) {
    state.config = newConfig;
  }

  /** Records and bytes in and out of this partition since it was opened, for metrics. */
  public PartitionTraffic traffic() {
    return state.traffic;
  }

  public void addListener(LogListener listener) {
    state.listeners.add(listener);
  }

  public void removeListener(LogListener listener) {
    state.listeners.remove(listener);
  }

  // ---- loading --------------------------------------------------------------------------------

  boolean isLoaded() {
    return state.loaded;
  }

  /** Opens the segments on first use. Thread-safe; later calls return at once. */
  void load() {
    if (!state.loaded) {
      loader.load();
    }
  }

  /** Fsyncs a directory, so that the names of files created or removed in it are durable. */
  static void fsyncDirectory(Path dir) throws IOException {
    DurableFiles.syncDirectory(dir);
  }

  // ---- offsets --------------------------------------------------------------------------------

  /** The first readable offset. */
  public long logStartOffset() {
    load();
    return state.logStartOffset;
  }

  /** The offset the next record will get; everything below it is readable. */
  public long logEndOffset() {
    load();
    return state.logEndOffset;
  }

  /** Everything below this offset has been fsynced. */
  public long durableOffset() {
    load();
    return state.durableOffset;
  }

  /** The durable offset if loaded, else -1 (for checkpoints, without forcing a load). */
  long recoveryPointIfLoaded() {
    return state.loaded ? state.durableOffset : -1;
  }

  /** Bytes of all segments. */
  public long sizeInBytes() {
    load();
    return state.sizeInBytes();
  }

  public int segmentCount() {
    load();
    return segments.size();
  }

  // ---- append ---------------------------------------------------------------------------------

  /**
   * Appends one or more v2 batches, held between {@code batches}' position and limit. The log
   * writes offsets (and, under LogAppendTime, timestamps) into the buffer, so the caller must not
   * touch it until the returned future completes.
   *
   * <p>The future completes with where the records landed once they are readable — and, when {@code
   * options.durable()}, once they are durable under the flush policy. It fails with {@link
   * io.watershed.log.format.CorruptBatchException}, {@link InvalidRecordException}, {@link
   * RecordTooLargeException}, {@link LogStorageException} or {@link LogClosedException}.
   * Thread-safe.
   */
  public CompletableFuture<AppendResult> append(ByteBuffer batches, AppendOptions options) {
    if (!state.loaded) {
      CompletableFuture<AppendResult> deferred = loader.appendAfterLoad(batches, options);
      if (deferred != null) {
        return deferred;
      }
    }
    return writer.append(batches, options);
  }

  /** Whether the partition refuses writes after a storage failure (for health and metrics). */
  public boolean isFenced() {
    return state.fence != null || state.damagedTail != null;
  }

  /** Why the partition refuses writes, or null when it takes them. */
  public String fenceReason() {
    PartitionState.WriteFence f = state.fence;
    if (f != null) {
      return f.cause().getMessage();
    }
    LogDamage tail = state.damagedTail;
    return tail == null ? null : state.damagedTailRefusal(tail).getMessage();
  }

  /** For the log manager's timer: retries a fenced partition even when no append comes. */
  void retryWritesIfFenced() {
    writer.retryWritesIfFenced();
  }

  /** Flushes when written data is not yet fsynced (for interval flushing). */
  void flushIfDirty() {
    tracker.flushIfDirty();
  }

  // ---- reads ----------------------------------------------------------------------------------

  /**
   * Reads batches from the one holding {@code offset}: at most {@code max(maxBytes, size of that
   * batch)} bytes from one segment, as a zero-copy slice. Empty at the log end.
   *
   * @throws OffsetOutOfRangeException when {@code offset} is below the log start or beyond the log
   *     end
   */
  public LogSlice read(long offset, int maxBytes) {
    return read(offset, maxBytes, true);
  }

  /**
   * Like {@link #read(long, int)}; without {@code minOneBatch} a first batch larger than {@code
   * maxBytes} is not returned (the slice is empty), so that a response that already holds data
   * stays within its byte budget.
   */
  public LogSlice read(long offset, int maxBytes, boolean minOneBatch) {
    load();
    for (int attempt = 0; ; attempt++) {
      long start = state.logStartOffset;
      long end = state.logEndOffset;
      if (offset < start || offset > end) {
        throw new OffsetOutOfRangeException(offset, start, end);
      }
      if (offset == end) {
        LogDamage tail = state.damagedTail;
        if (tail != null) {
          throw tail.readError(state.name);
        }
        return LogSlice.empty();
      }
      try {
        Map.Entry<Long, Segment> e = segments.floorEntry(offset);
        Segment seg = e != null ? e.getValue() : segments.firstEntry().getValue();
        while (seg != null) {
          LogSlice slice = seg.read(offset, maxBytes, minOneBatch, state.name);
          if (slice != null) {
            return slice;
          }
          Map.Entry<Long, Segment> next = segments.higherEntry(seg.baseOffset);
          seg = next == null ? null : next.getValue();
        }
        return LogSlice.empty();
      } catch (SegmentRetiredException e) {
        if (attempt >= 10) {
          throw e;
        }
      } catch (IOException e) {
        throw new LogStorageException(state.name + ": read failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * The first record, in offset order, whose timestamp is at least {@code timestamp}; null when
   * there is none.
   */
  public TimestampOffset offsetForTimestamp(long timestamp) {
    load();
    for (int attempt = 0; ; attempt++) {
      try {
        long start = state.logStartOffset;
        for (Segment s : segments.values()) {
          if (s.nextOffset() <= start && s != state.active && s.isLoaded()) {
            continue;
          }
          s.load();
          if (s.maxTimestamp() < timestamp) {
            continue;
          }
          TimestampOffset found = s.findByTimestamp(timestamp, start);
          if (found != null) {
            return found;
          }
        }
        return null;
      } catch (SegmentRetiredException e) {
        if (attempt >= 10) {
          throw e;
        }
      } catch (IOException e) {
        throw new LogStorageException(state.name + ": read failed: " + e.getMessage(), e);
      }
    }
  }

  /**
   * The readable record with the largest timestamp (the earliest such offset); null when the log
   * holds no readable record.
   */
  public TimestampOffset maxTimestampOffset() {
    load();
    long start = state.logStartOffset;
    TimestampOffset best = null;
    try {
      for (Segment s : segments.values()) {
        s.load();
        if (s.nextOffset() <= start || s.isEmpty()) {
          continue;
        }
        TimestampOffset candidate =
            s.offsetOfMaxTimestamp() >= start
                ? new TimestampOffset(s.maxTimestamp(), s.offsetOfMaxTimestamp())
                : s.maxTimestampFrom(start); // its max lies below the start: look at the rest
        if (candidate != null && (best == null || candidate.timestamp() > best.timestamp())) {
          best = candidate;
        }
      }
    } catch (IOException e) {
      throw new LogStorageException(state.name + ": read failed: " + e.getMessage(), e);
    }
    return best;
  }

  // ---- retention and delete-records -----------------------------------------------------------

  /**
   * Moves the log start offset forward to {@code offset} (Kafka DeleteRecords) and deletes the
   * segments wholly below it. Durable when it returns.
   *
   * @return the new log start offset
   * @throws OffsetOutOfRangeException when {@code offset} is beyond the log end
   */
  public long deleteRecordsBefore(long offset) {
    load();
    return retention.deleteRecordsBefore(offset);
  }

  /**
   * Applies time and size retention, deleting whole segments only (see {@link Retention#enforce}).
   *
   * @return number of segments deleted
   */
  int enforceRetention() {
    load();
    return retention.enforce();
  }

  /** Segments before the active one, oldest first (see {@link PartitionState#sealedSegments}). */
  List<Segment> sealedSegments() {
    return state.sealedSegments();
  }

  /** Asks the writer to roll the active segment if it holds data. */
  CompletableFuture<Void> requestRoll() {
    return writer.requestRoll();
  }

  /** Rolls the active segment (if it holds data) and waits for it. For tests and tools. */
  public void roll() {
    load();
    requestRoll().join();
  }

  // ---- damage ---------------------------------------------------------------------------------

  /**
   * The damaged ranges found so far, oldest first. Segments are verified on first read (and all of
   * them by {@link LogCleaner#skipDamage}), so damage in a segment nothing has read since the start
   * is not listed yet.
   */
  public List<LogDamage> damages() {
    if (!state.loaded) {
      return List.of();
    }
    List<LogDamage> out = new ArrayList<>();
    for (Segment s : segments.values()) {
      out.addAll(s.damages());
    }
    return out;
  }

  /**
   * Verifies every segment not verified yet (a CRC scan of each batch), so that all damage is known
   * now rather than at the first read of each segment. Reads the whole partition from disk: for
   * operators, not for hot paths.
   *
   * @return the damaged ranges, oldest first
   */
  public List<LogDamage> verify() {
    load();
    try {
      for (Segment s : segments.values()) {
        s.ensureVerified();
      }
    } catch (IOException e) {
      throw new LogStorageException(state.name + ": verification failed: " + e.getMessage(), e);
    }
    return damages();
  }

  /**
   * Whether appends are refused because the log ends in damage of unknown extent (false while the
   * partition is not loaded; this does not load it).
   */
  public boolean hasDamagedTail() {
    return state.damagedTail != null;
  }

  /**
   * Cuts the damaged tail of unknown extent off the active segment, on an operator's request: the
   * log then ends where its intact data ends and appends resume there. Caller holds {@link
   * #maintenance}; the writer is idle, since appends are refused while the tail is damaged.
   *
   * @return the damage cut, or null when there was none
   */
  LogDamage cutDamagedTail() throws IOException {
    LogDamage tail = state.damagedTail;
    if (tail == null) {
      return null;
    }
    Segment a = state.active;
    a.cutDamagedTail(tail);
    state.logEndOffset = a.nextOffset();
    state.durableOffset = state.logEndOffset;
    state.changedSinceLoad = true;
    state.damagedTail = null;
    LOG.warn(
        "{}: skipped the damaged tail on request ({} bytes from offset {}); appends resume at {}",
        state.name,
        tail.length(),
        tail.firstOffset(),
        state.logEndOffset);
    return tail;
  }

  // ---- compaction support ---------------------------------------------------------------------

  Path dir() {
    return state.dir;
  }

  LogContext context() {
    return state.ctx;
  }

  Segment activeSegment() {
    return state.active;
  }

  /**
   * Swaps a compacted replacement in for {@code old}, or removes {@code old} when nothing in it
   * survived. Compaction never moves the log start offset, so when the first segment goes, the
   * start offset is persisted: otherwise the next open would derive it from the next segment. The
   * cleaner holds {@link #maintenance}.
   */
  void replaceSegment(Segment old, Segment replacement) throws IOException {
    retention.replaceSegment(old, replacement);
  }

  // ---- close ----------------------------------------------------------------------------------

  /**
   * Stops accepting appends, finishes those queued, fsyncs everything and writes the index files of
   * every segment, so the next open needs no scan.
   *
   * @return true when the partition closed cleanly (no storage failure)
   */
  boolean close(long timeoutMs) {
    if (!state.loaded) {
      return true;
    }
    state.closing = true;
    try {
      writer.barrier().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      if (state.fence == null) {
        LOG.warn("{}: writer did not finish in time: {}", state.name, e.toString());
      }
    }
    maintenance.lock();
    try {
      PartitionState.WriteFence f = state.fence;
      if (f != null) {
        tracker.failDurableWaiters(f.cause());
        return false;
      }
      tracker.flushForClose();
      return state.fence == null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (IOException | RuntimeException e) {
      LOG.error("{}: close failed: {}", state.name, e.toString());
      tracker.failDurableWaiters(new LogStorageException(state.name + ": close failed", e));
      return false;
    } finally {
      maintenance.unlock();
    }
  }

  /** Fails whatever waits and stops writes, for deletion; no flush. */
  void abandon() {
    state.closing = true;
    LogClosedException e = new LogClosedException(state.name + " was deleted");
    writer.failQueued(e);
    tracker.failDurableWaiters(e);
  }

  Collection<Segment> segmentsView() {
    return segments.values();
  }

  @Override
  public String toString() {
    return "PartitionLog[" + state.name + "]";
  }
}
