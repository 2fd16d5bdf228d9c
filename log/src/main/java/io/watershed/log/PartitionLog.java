package io.watershed.log;

import io.watershed.log.WriterTask.Barrier;
import io.watershed.log.WriterTask.PendingAppend;
import io.watershed.log.WriterTask.Resume;
import io.watershed.log.format.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition: an ordered set of segments with a single writer.
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

  /** Most bytes one drain writes before it yields the writer thread to other partitions. */
  private static final int MAX_DRAIN_BYTES = 4 * 1024 * 1024;

  private static final int MAX_DRAIN_ROUNDS = 8;
  private static final String LOG_START_OFFSET_FILE = "log-start-offset";

  /** Producers silent for this long are forgotten (Kafka: producer.id.expiration.ms). */
  static final long PRODUCER_EXPIRATION_MS = 24L * 3600 * 1000;

  private final PartitionState state;
  private final DurabilityTracker tracker;

  /** The state's segments by base offset; the cleaner and tests read them here. */
  final ConcurrentSkipListMap<Long, Segment> segments;

  /** The state's maintenance lock: serialises retention, delete-records and compaction. */
  final ReentrantLock maintenance;

  /** Least time between two attempts to resume writes after a failed write. */
  static final long WRITE_RETRY_MS = 1000;

  /** A retry is not worth a write while the file system has less than this free. */
  private static final long MIN_FREE_BYTES_TO_RESUME = 64 * 1024;

  private final AtomicBoolean resumeScheduled = new AtomicBoolean();

  private final Object loadLock = new Object();

  /** Appends that came before the partition was loaded, in order; guarded by loadLock. */
  private final List<DeferredAppend> awaitingLoad = new ArrayList<>();

  /** Whether a writer thread is about to load the partition; guarded by loadLock. */
  private boolean loadScheduled;

  /** Offset from which an unclean shutdown requires a CRC scan, or -1 when shut down cleanly. */
  private final long recoveryPoint;

  private final ConcurrentLinkedQueue<WriterTask> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writerScheduled = new AtomicBoolean();

  /** Offsets below this were compacted by this process; the cleaner's progress. */
  volatile long firstDirtyOffset;

  PartitionLog(String name, Path dir, LogConfig config, LogContext ctx, long recoveryPoint) {
    this.state = new PartitionState(name, dir, config, ctx);
    this.tracker = new DurabilityTracker(state);
    this.segments = state.segments;
    this.maintenance = state.maintenance;
    this.recoveryPoint = recoveryPoint;
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
    if (state.loaded) {
      return;
    }
    synchronized (loadLock) {
      if (state.loaded) {
        return;
      }
      try {
        doLoad();
      } catch (IOException e) {
        throw new LogStorageException(state.name + ": cannot open partition: " + e.getMessage(), e);
      }
      takeAwaitingLoad();
      state.loaded = true;
    }
  }

  private void doLoad() throws IOException {
    Files.createDirectories(state.dir);
    List<Long> bases = new ArrayList<>();
    List<Path> indexFiles = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(state.dir)) {
      for (Path f : files) {
        String fileName = f.getFileName().toString();
        if (fileName.endsWith(".cleaned") || fileName.endsWith(".tmp")) {
          // An interrupted compaction or index write: the original is intact, roll back.
          LOG.info("{}: removing leftover {}", state.name, fileName);
          Files.deleteIfExists(f);
        } else if (fileName.endsWith(".log") && fileName.length() == 24) {
          bases.add(Long.parseLong(fileName.substring(0, 20)));
        } else if (fileName.endsWith(".index") || fileName.endsWith(".timeindex")) {
          indexFiles.add(f);
        }
      }
    }
    bases.sort(null);
    // A segment is deleted records file first, index files after: a crash in between (retention,
    // compaction emptying a segment) leaves index files of no segment. Finish the deletion.
    Set<String> segmentStems = new HashSet<>();
    for (long base : bases) {
      segmentStems.add(Segment.fileStem(base));
    }
    for (Path f : indexFiles) {
      String fileName = f.getFileName().toString();
      if (!segmentStems.contains(fileName.substring(0, fileName.indexOf('.')))) {
        LOG.info("{}: removing {}, whose segment no longer exists", state.name, f.getFileName());
        Files.deleteIfExists(f);
      }
    }
    long persistedStart = readLogStartOffset();
    state.logStartOffset = Math.max(0, persistedStart);
    Segment previous = null;
    for (long base : bases) {
      Segment s = Segment.existing(state.dir, base, state.ctx.pool());
      if (previous != null) {
        previous.setFollowingBase(base);
      }
      segments.put(base, s);
      previous = s;
    }
    if (recoveryPoint >= 0 && !segments.isEmpty()) {
      recover();
    }
    if (segments.isEmpty()) {
      segments.put(
          state.logStartOffset,
          Segment.create(
              state.dir, state.logStartOffset, state.ctx.pool(), state.ctx.clock().getAsLong()));
      tracker.directoryChanged();
    }
    Segment last = segments.lastEntry().getValue();
    last.ensureVerified();
    LogDamage tail = last.tailDamage();
    if (tail != null && tail.endKnown()) {
      // Appends must not land after damaged bytes in the same file (its index files could then
      // no longer state where the damage ends): start a new segment at the damage's end offset,
      // whose name keeps that offset across restarts.
      Segment next =
          Segment.create(
              state.dir, tail.endOffset(), state.ctx.pool(), state.ctx.clock().getAsLong());
      last.setFollowingBase(next.baseOffset);
      segments.put(next.baseOffset, next);
      tracker.directoryChanged();
      state.changedSinceLoad = true;
      last = next;
    } else if (tail != null) {
      state.damagedTail = tail;
      LOG.error(
          "{}: the log ends in damaged bytes whose offsets are unknown; appends are refused until"
              + " an operator skips the damage (watershed topics repair)",
          state.name);
    }
    state.active = last;
    state.logEndOffset = last.nextOffset();
    loadProducerState();
    // The persisted start offset wins (compaction may have removed whole segments above it);
    // without one, the log starts at its first segment.
    state.logStartOffset =
        Math.min(persistedStart >= 0 ? persistedStart : segments.firstKey(), state.logEndOffset);
    state.durableOffset = state.logEndOffset;
  }

  /**
   * Scans, with CRC checks, every segment from the one holding the recovery point onwards. Only a
   * torn tail is cut: damage that runs to the end of the last segment holding data and starts at or
   * after the recovery point (written, never acknowledged as durable). Any other damage — before
   * the recovery point, or with intact batches after it — is fenced. Empty segments after a cut
   * tail are removed, so the log ends where its intact data ends.
   */
  private void recover() throws IOException {
    Long from = segments.floorKey(recoveryPoint);
    if (from == null) {
      from = segments.firstKey();
    }
    long minOffset = from;
    boolean cut = false;
    long droppedBytes = 0;
    List<Segment> toScan = new ArrayList<>(segments.tailMap(from, true).values());
    Segment lastWithData = null;
    for (Segment s : toScan) {
      if (Files.size(s.file.path()) > 0) {
        lastWithData = s;
      }
    }
    for (Segment s : toScan) {
      if (cut) {
        LOG.warn("{}: removing empty segment {} after the truncated tail", state.name, s);
        segments.remove(s.baseOffset);
        s.delete();
        continue;
      }
      long dropped =
          s.recover(
              minOffset,
              s == lastWithData ? recoveryPoint : Long.MAX_VALUE,
              s.baseOffset <= recoveryPoint ? recoveryPoint : -1);
      droppedBytes += dropped;
      if (dropped > 0) {
        cut = true;
      }
      minOffset = s.nextOffset();
      s.force();
    }
    if (droppedBytes > 0) {
      LOG.warn(
          "{}: recovery dropped {} bytes; the log now ends at offset {}",
          state.name,
          droppedBytes,
          minOffset);
    } else {
      LOG.info("{}: recovered {} segment(s) from offset {}", state.name, toScan.size(), from);
    }
  }

  /**
   * Rebuilds the producer state: the newest snapshot at or below the log end, then every batch
   * after it. Snapshots beyond the log end (the log was truncated by recovery) are deleted.
   */
  private void loadProducerState() throws IOException {
    List<Long> offsets = DurabilityTracker.producerSnapshotOffsets(state.dir);
    long from = segments.firstKey();
    ProducerStateTable table = null;
    for (int i = offsets.size() - 1; i >= 0 && table == null; i--) {
      long offset = offsets.get(i);
      if (offset > state.logEndOffset) {
        Files.deleteIfExists(ProducerStateTable.snapshotPath(state.dir, offset));
        continue;
      }
      table =
          ProducerStateTable.readSnapshot(
              ProducerStateTable.snapshotPath(state.dir, offset), offset);
      if (table != null) {
        from = offset;
      }
    }
    state.producers = table != null ? table : new ProducerStateTable();
    if (from >= state.logEndOffset) {
      return;
    }
    state.changedSinceLoad = true; // the state at the log end is not on disk yet
    ProducerStateTable rebuilt = state.producers;
    Map.Entry<Long, Segment> start = segments.floorEntry(from);
    for (Segment s :
        segments.tailMap(start == null ? segments.firstKey() : start.getKey(), true).values()) {
      s.load();
      long replayFrom = from;
      try (FileHandlePool.Lease lease = state.ctx.pool().acquire(s.file)) {
        SegmentScanner.scan(
            lease.channel(),
            0,
            s.size(),
            s.baseOffset,
            Long.MAX_VALUE,
            false,
            s.damages(),
            (position, batch) -> {
              long base = RecordBatchLayout.baseOffset(batch, 0);
              long producerId = RecordBatchLayout.producerId(batch, 0);
              if (base < replayFrom || producerId < 0 || RecordBatchLayout.isControl(batch, 0)) {
                return;
              }
              int first = RecordBatchLayout.baseSequence(batch, 0);
              int delta = RecordBatchLayout.lastOffsetDelta(batch, 0);
              rebuilt.update(
                  producerId,
                  RecordBatchLayout.producerEpoch(batch, 0),
                  new ProducerStateTable.BatchInfo(
                      first,
                      lastSequence(first, delta),
                      base,
                      base + delta,
                      RecordBatchLayout.maxTimestamp(batch, 0)));
            });
      }
    }
  }

  /** The persisted log start offset, or -1 when none was persisted. */
  private long readLogStartOffset() throws IOException {
    Path file = state.dir.resolve(LOG_START_OFFSET_FILE);
    if (!Files.exists(file)) {
      return -1;
    }
    String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      LOG.warn("{}: ignoring unreadable {}", state.name, LOG_START_OFFSET_FILE);
      return -1;
    }
  }

  private void persistLogStartOffset(long offset) throws IOException {
    DurableFiles.writeAtomically(
        state.dir.resolve(LOG_START_OFFSET_FILE),
        ByteBuffer.wrap((offset + "\n").getBytes(StandardCharsets.US_ASCII)),
        true);
  }

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
      CompletableFuture<AppendResult> deferred = appendAfterLoad(batches, options);
      if (deferred != null) {
        return deferred;
      }
    }
    return appendLoaded(batches, options);
  }

  /**
   * The first appends to a partition not loaded yet: opening its segments reads the disk, which the
   * caller (often a network event loop) must not wait for, so the load runs on a writer thread and
   * these appends are taken, in the order they came, once it is done. Appends that come meanwhile
   * wait for that load too, so none overtakes another.
   *
   * @return the deferred append, or null when the partition turned out to be loaded already
   */
  private CompletableFuture<AppendResult> appendAfterLoad(
      ByteBuffer batches, AppendOptions options) {
    synchronized (loadLock) {
      if (state.loaded) {
        return null;
      }
      DeferredAppend d = new DeferredAppend(batches, options, new CompletableFuture<>());
      awaitingLoad.add(d);
      if (!loadScheduled) {
        loadScheduled = true;
        try {
          state.ctx.writers().execute(this::loadThenAppend);
        } catch (RejectedExecutionException e) {
          loadScheduled = false;
          awaitingLoad.clear();
          return CompletableFuture.failedFuture(new LogClosedException(state.name + " is closed"));
        }
      }
      return d.done;
    }
  }

  /** An append that waits for its partition to be loaded. */
  private record DeferredAppend(
      ByteBuffer batches, AppendOptions options, CompletableFuture<AppendResult> done) {}

  /**
   * Loads the partition and takes the appends that waited for it, in order, all under the load
   * lock: an append arriving meanwhile waits for the lock and then finds the partition loaded, so
   * it queues behind them. If the load fails they fail, and the next use tries again.
   */
  private void loadThenAppend() {
    synchronized (loadLock) {
      loadScheduled = false;
      if (state.closing && !state.loaded) {
        // Closed or deleted meanwhile: opening it now would recreate a deleted directory.
        failAwaitingLoad(new LogClosedException(state.name + " is closed"));
        return;
      }
      try {
        load(); // takes the waiting appends; at once if a reader's load() came first
      } catch (RuntimeException e) {
        LOG.error("{}: cannot open partition: {}", state.name, e.toString());
        failAwaitingLoad(
            e instanceof LogStorageException storage
                ? storage
                : new LogStorageException(
                    state.name + ": cannot open partition: " + e.getMessage(), e));
      }
    }
  }

  /** Caller holds the load lock. */
  private void failAwaitingLoad(LogException e) {
    awaitingLoad.forEach(d -> d.done.completeExceptionally(e));
    awaitingLoad.clear();
  }

  /**
   * Just after the load, before {@code loaded} is set, under the load lock: queues the appends that
   * waited for it, in order, ahead of any that come once the partition shows as loaded.
   */
  private void takeAwaitingLoad() {
    List<DeferredAppend> waiting = new ArrayList<>(awaitingLoad);
    awaitingLoad.clear();
    for (DeferredAppend d : waiting) {
      appendLoaded(d.batches, d.options)
          .whenComplete(
              (result, error) -> {
                if (error != null) {
                  d.done.completeExceptionally(error);
                } else {
                  d.done.complete(result);
                }
              });
    }
  }

  /** An append to a loaded partition (or, under the load lock, one whose load just finished). */
  private CompletableFuture<AppendResult> appendLoaded(ByteBuffer batches, AppendOptions options) {
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
        writerScheduled.set(false);
        if (queue.isEmpty() || !writerScheduled.compareAndSet(false, true)) {
          return;
        }
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
  private final class Stage {
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
        || state.ctx.clock().getAsLong() - f.sinceMs() < WRITE_RETRY_MS
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
   * On failure the fence stays, and the next attempt waits {@link #WRITE_RETRY_MS}.
   */
  private void tryResume() {
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

  private void process(List<WriterTask> tasks) throws IOException {
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
        lastInAppend = new java.util.HashMap<>();
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
          l.onAppend(this, stage.nextOffset);
        } catch (RuntimeException e) {
          LOG.warn("{}: append listener failed", state.name, e);
        }
      }
    }
    written.addAll(stage.finished);
    stage.finished.clear();
  }

  private void roll(Stage stage, long now) throws IOException {
    Segment old = stage.segment;
    Segment next;
    try {
      next = Segment.create(state.dir, stage.nextOffset, state.ctx.pool(), now);
    } catch (IOException e) {
      throw state.fenceAfter("cannot roll segment", e, false);
    }
    old.setFollowingBase(next.baseOffset);
    segments.put(next.baseOffset, next);
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
    maintenance.lock();
    try {
      long end = state.logEndOffset;
      if (offset > end || offset < 0) {
        throw new OffsetOutOfRangeException(offset, state.logStartOffset, end);
      }
      if (offset <= state.logStartOffset) {
        return state.logStartOffset;
      }
      persistLogStartOffset(offset);
      state.logStartOffset = offset;
      deleteSegmentsBelowStart();
      return state.logStartOffset;
    } catch (IOException e) {
      throw new LogStorageException(state.name + ": delete-records failed: " + e.getMessage(), e);
    } finally {
      maintenance.unlock();
    }
  }

  /**
   * Applies time and size retention, deleting whole segments only. The active segment is rolled
   * first when it alone has expired, and deleted on a later pass.
   *
   * @return number of segments deleted
   */
  int enforceRetention() {
    if (!state.loaded) {
      load();
    }
    maintenance.lock();
    try {
      int deleted = deleteSegmentsBelowStart();
      LogConfig cfg = state.config;
      if (!cfg.cleanupDelete()) {
        return deleted;
      }
      long now = state.ctx.clock().getAsLong();
      if (cfg.retentionMs() >= 0) {
        for (Segment s : sealedSegments()) {
          s.load();
          if (now - effectiveMaxTimestamp(s) > cfg.retentionMs()) {
            deleteSegment(s, "retention.ms");
            deleted++;
          } else {
            break;
          }
        }
        Segment a = state.active;
        if (segments.size() == 1
            && !a.isEmpty()
            && now - effectiveMaxTimestamp(a) > cfg.retentionMs()) {
          requestRoll();
        }
      }
      if (cfg.retentionBytes() >= 0) {
        long total = sizeInBytes();
        for (Segment s : sealedSegments()) {
          long size = PartitionState.sizeOf(s);
          if (total - size >= cfg.retentionBytes()) {
            deleteSegment(s, "retention.bytes");
            total -= size;
            deleted++;
          } else {
            break;
          }
        }
      }
      return deleted;
    } catch (IOException e) {
      LOG.warn("{}: retention pass failed: {}", state.name, e.toString());
      return 0;
    } finally {
      maintenance.unlock();
    }
  }

  private static long effectiveMaxTimestamp(Segment s) throws IOException {
    long ts = s.maxTimestamp();
    return ts >= 0 ? ts : Files.getLastModifiedTime(s.file.path()).toMillis();
  }

  /** Segments before the active one, oldest first (see {@link PartitionState#sealedSegments}). */
  List<Segment> sealedSegments() {
    return state.sealedSegments();
  }

  private int deleteSegmentsBelowStart() throws IOException {
    int deleted = 0;
    for (Segment s : sealedSegments()) {
      s.load();
      if (s.nextOffset() <= state.logStartOffset) {
        deleteSegment(s, "log start offset", false);
        deleted++;
      } else {
        break;
      }
    }
    return deleted;
  }

  /**
   * Deletes a segment by retention. The new start offset is persisted before the file goes, so that
   * a crash in between leaves an unreadable segment to delete again, never a start offset that
   * points into deleted data.
   */
  private void deleteSegment(Segment s, String reason) throws IOException {
    deleteSegment(s, reason, true);
  }

  /**
   * @param advanceStart move the log start offset to the next segment (retention); false when the
   *     segment lies wholly below a start offset that was set on purpose (delete-records)
   */
  private void deleteSegment(Segment s, String reason, boolean advanceStart) throws IOException {
    Long next = segments.higherKey(s.baseOffset);
    if (advanceStart && next != null && next > state.logStartOffset) {
      persistLogStartOffset(next);
      state.logStartOffset = next;
    }
    segments.remove(s.baseOffset, s);
    s.delete();
    state.ctx.stats().segmentsDeleted.increment();
    LOG.info("{}: deleted segment {} ({})", state.name, s, reason);
  }

  /** Asks the writer to roll the active segment if it holds data. */
  CompletableFuture<Void> requestRoll() {
    Barrier b = new Barrier(true, new CompletableFuture<>());
    queue.add(b);
    scheduleWriter();
    return b.done();
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
    if (replacement != null) {
      replacement.setFollowingBase(old.followingBase());
      segments.replace(old.baseOffset, old, replacement);
      return;
    }
    if (segments.firstKey() == old.baseOffset
        && state.logStartOffset < segments.higherKey(old.baseOffset)) {
      persistLogStartOffset(state.logStartOffset);
    }
    segments.remove(old.baseOffset, old);
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
    Barrier b = new Barrier(false, new CompletableFuture<>());
    queue.add(b);
    scheduleWriter();
    try {
      b.done().get(timeoutMs, TimeUnit.MILLISECONDS);
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
    WriterTask t;
    List<WriterTask> left = new ArrayList<>();
    while ((t = queue.poll()) != null) {
      left.add(t);
    }
    failAll(left, e);
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
