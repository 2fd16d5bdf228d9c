package io.watershed.log;

import io.watershed.log.format.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition on first use: finishes or rolls back what a crash interrupted (leftover {@code
 * .cleaned} and {@code .tmp} files, index files of deleted segments), opens the segments, scans
 * them from the recovery point after an unclean shutdown (cutting only a torn tail, fencing any
 * other damage), starts a new segment after damage whose end is known, rebuilds the producer state
 * from the newest snapshot and the batches after it, and sets the offsets in {@link
 * PartitionState}. Appends that come before the load is done wait for it, in order, none overtaking
 * another, while the load runs on a writer thread rather than on the caller's (often a network
 * event loop); if the load fails they fail, and the next use tries again.
 *
 * <p>Owns the {@value #LOG_START_OFFSET_FILE} file. Its layout: the log start offset in decimal
 * ASCII followed by a newline, replaced atomically; a missing or unreadable file means the log
 * starts at its first segment.
 *
 * <p>Thread-safety: {@link #load} and {@link #appendAfterLoad} may be called from any thread; the
 * load lock serialises the load and the appends waiting for it, and {@link PartitionState#loaded}
 * is set, last, under it.
 */
final class PartitionLoader {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  static final String LOG_START_OFFSET_FILE = "log-start-offset";

  private final PartitionState state;
  private final DurabilityTracker tracker;
  private final PartitionWriter writer;

  /** Offset from which an unclean shutdown requires a CRC scan, or -1 when shut down cleanly. */
  private final long recoveryPoint;

  private final Object loadLock = new Object();

  /** Appends that came before the partition was loaded, in order; guarded by loadLock. */
  private final List<DeferredAppend> awaitingLoad = new ArrayList<>();

  /** Whether a writer thread is about to load the partition; guarded by loadLock. */
  private boolean loadScheduled;

  PartitionLoader(
      PartitionState state, DurabilityTracker tracker, PartitionWriter writer, long recoveryPoint) {
    this.state = state;
    this.tracker = tracker;
    this.writer = writer;
    this.recoveryPoint = recoveryPoint;
  }

  /**
   * Opens the segments on first use. Thread-safe; later calls return at once. Appends that waited
   * for the load are queued to the writer, in order, before the partition shows as loaded.
   */
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
      state.segments.put(base, s);
      previous = s;
    }
    if (recoveryPoint >= 0 && !state.segments.isEmpty()) {
      recover();
    }
    if (state.segments.isEmpty()) {
      state.segments.put(
          state.logStartOffset,
          Segment.create(
              state.dir, state.logStartOffset, state.ctx.pool(), state.ctx.clock().getAsLong()));
      tracker.directoryChanged();
    }
    Segment last = state.segments.lastEntry().getValue();
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
      state.segments.put(next.baseOffset, next);
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
        Math.min(
            persistedStart >= 0 ? persistedStart : state.segments.firstKey(), state.logEndOffset);
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
    Long from = state.segments.floorKey(recoveryPoint);
    if (from == null) {
      from = state.segments.firstKey();
    }
    long minOffset = from;
    boolean cut = false;
    long droppedBytes = 0;
    List<Segment> toScan = new ArrayList<>(state.segments.tailMap(from, true).values());
    Segment lastWithData = null;
    for (Segment s : toScan) {
      if (Files.size(s.file.path()) > 0) {
        lastWithData = s;
      }
    }
    LogStats stats = state.ctx.stats();
    stats.recoveries.increment();
    for (Segment s : toScan) {
      if (cut) {
        LOG.warn("{}: removing empty segment {} after the truncated tail", state.name, s);
        state.segments.remove(s.baseOffset);
        s.delete();
        stats.recoveryRemovedSegments.increment();
        continue;
      }
      long dropped =
          s.recover(
              minOffset,
              s == lastWithData ? recoveryPoint : Long.MAX_VALUE,
              s.baseOffset <= recoveryPoint ? recoveryPoint : -1);
      stats.recoveredSegments.increment();
      droppedBytes += dropped;
      if (dropped > 0) {
        cut = true;
        stats.recoveryTruncations.increment();
        stats.recoveryTruncatedBytes.add(dropped);
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
    long from = state.segments.firstKey();
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
    Map.Entry<Long, Segment> start = state.segments.floorEntry(from);
    for (Segment s :
        state
            .segments
            .tailMap(start == null ? state.segments.firstKey() : start.getKey(), true)
            .values()) {
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
                      PartitionWriter.lastSequence(first, delta),
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

  /**
   * Persists {@code offset} as the log start offset of the partition in {@code dir}, atomically
   * (temporary file, fsync, rename, directory fsync): a crash leaves the old value or the new one.
   */
  static void persistLogStartOffset(Path dir, long offset) throws IOException {
    DurableFiles.writeAtomically(
        dir.resolve(LOG_START_OFFSET_FILE),
        ByteBuffer.wrap((offset + "\n").getBytes(StandardCharsets.US_ASCII)),
        true);
  }

  /**
   * The first appends to a partition not loaded yet (see {@link PartitionLog#append}): opening its
   * segments reads the disk, which the caller (often a network event loop) must not wait for, so
   * the load runs on a writer thread and these appends are taken, in the order they came, once it
   * is done. Appends that come meanwhile wait for that load too, so none overtakes another.
   *
   * @return the deferred append, or null when the partition turned out to be loaded already
   */
  CompletableFuture<AppendResult> appendAfterLoad(ByteBuffer batches, AppendOptions options) {
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
      writer
          .append(d.batches, d.options)
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
}
