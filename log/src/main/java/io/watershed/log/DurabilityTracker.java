package io.watershed.log;

import io.watershed.log.WriterTask.PendingAppend;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes what a partition's writer wrote durable, and completes the durable appends that wait for
 * it: the flusher fsyncs the segments written since it last ran, writes the index files of sealed
 * segments and the producer-state snapshots taken at rolls, fsyncs the directory when segments were
 * created, and then moves {@link PartitionState#durableOffset} to the log end it read before its
 * fsyncs. Appends that arrive during an fsync are covered by the next one, so many appends share
 * each fsync while the writer keeps writing (group commit).
 *
 * <p>Owns the durable waiters, the dirty and sealing segments, the pending producer snapshots and
 * the directory's dirty flag, and the producer-snapshot files on disk.
 *
 * <p>Thread-safety: the writer hands work over through concurrent collections; one flush runs at a
 * time per partition (guarded by {@code flushScheduled}, which close takes for its final flush), on
 * the log's flusher pool. A failed fsync of records fences the partition until it is reopened (see
 * {@link PartitionLog}): the kernel may have dropped the dirty pages.
 */
final class DurabilityTracker {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  /** Producer-state snapshots kept; older ones are deleted. */
  private static final int PRODUCER_SNAPSHOTS_KEPT = 2;

  private final PartitionState state;

  /** Durable appends in offset order, each waiting for the durable offset to pass its last. */
  private final ConcurrentLinkedQueue<PendingAppend> durableWaiters = new ConcurrentLinkedQueue<>();

  /** Segments written since their last fsync. */
  private final Set<Segment> dirty = ConcurrentHashMap.newKeySet();

  /** Segments rolled away from, whose index files are still to be written. */
  private final ConcurrentLinkedQueue<Segment> sealing = new ConcurrentLinkedQueue<>();

  /** Producer-state snapshots taken at rolls, by the offset they were taken at. */
  private final ConcurrentLinkedQueue<Map.Entry<Long, ProducerStateTable>> producerSnapshots =
      new ConcurrentLinkedQueue<>();

  private final AtomicBoolean flushScheduled = new AtomicBoolean();

  /** Whether a segment file was created or removed since the directory was last fsynced. */
  private final AtomicBoolean dirDirty = new AtomicBoolean();

  DurabilityTracker(PartitionState state) {
    this.state = state;
  }

  // ---- handed over by the loader and the writer ------------------------------------------------

  /** A segment file was created: its name is durable only once the directory is fsynced. */
  void directoryChanged() {
    dirDirty.set(true);
  }

  /** The writer wrote to {@code segment}: the next flush fsyncs it. */
  void written(Segment segment) {
    dirty.add(segment);
  }

  /**
   * The writer rolled away from {@code sealed}; {@code producers} is the producer state as of
   * {@code nextBase}, the new segment's base offset. The flusher writes the sealed segment's index
   * files, the snapshot and the directory.
   */
  void rolled(Segment sealed, long nextBase, ProducerStateTable producers) {
    producerSnapshots.add(Map.entry(nextBase, producers));
    sealing.add(sealed);
    dirDirty.set(true);
  }

  /** A durable append, written, to complete once its last offset is durable; in offset order. */
  void awaitDurable(PendingAppend append) {
    durableWaiters.add(append);
  }

  /**
   * After a drain handed over durable appends: completes those already covered (a duplicate, or an
   * append an earlier fsync covered) and asks for a flush when any still wait.
   */
  void durableAppendsAdded() {
    completeDurableWaiters();
    if (!durableWaiters.isEmpty()) {
      requestFlush();
    }
  }

  // ---- flushing --------------------------------------------------------------------------------

  /** Runs the flusher unless it is already scheduled (it then sees the new work). */
  void requestFlush() {
    if (flushScheduled.compareAndSet(false, true)) {
      state.ctx.flushers().execute(this::flush);
    }
  }

  /** Flushes when written data is not yet fsynced (for interval flushing). */
  void flushIfDirty() {
    if (state.loaded && (!dirty.isEmpty() || !sealing.isEmpty())) {
      requestFlush();
    }
  }

  /** The flusher: one instance runs at a time per partition (guarded by flushScheduled). */
  private void flush() {
    // Under "os" the kernel writes back; a roll only seals (index files), it does not fsync.
    boolean forceData = !(state.ctx.flushPolicy() instanceof FlushPolicy.Os);
    while (true) {
      try {
        flushOnce(forceData);
      } catch (LogStorageException e) {
        failDurableWaiters(e);
      } catch (RuntimeException e) {
        failDurableWaiters(state.fenceAfter("fsync failed", e, true));
      }
      flushScheduled.set(false);
      // Waiters may remain whose data an earlier pass already forced but whose offsets were
      // published after that pass read the log end: run again, which will cost no fsync.
      PartitionState.WriteFence f = state.fence;
      boolean more =
          !sealing.isEmpty()
              || (dirDirty.get() && f == null)
              || (!durableWaiters.isEmpty() && (f == null || !f.sticky()));
      if (!more || !flushScheduled.compareAndSet(false, true)) {
        return;
      }
    }
  }

  /**
   * One flush: fsyncs what was written (unless {@code forceData} is false), writes the index files
   * of sealed segments, and advances the durable offset to what the fsync covered.
   */
  private void flushOnce(boolean forceData) {
    PartitionState.WriteFence f = state.fence;
    if (f != null && f.sticky()) {
      failDurableWaiters(f.cause());
      return;
    }
    // Under a retryable fence what was written before the failed write is still made durable.
    long target = state.logEndOffset;
    List<Segment> toSeal = new ArrayList<>();
    Segment s;
    while ((s = sealing.poll()) != null) {
      toSeal.add(s);
    }
    if (forceData) {
      for (Segment seg : new ArrayList<>(dirty)) {
        dirty.remove(seg);
        try {
          forceIfPresent(seg);
        } catch (IOException e) {
          throw state.fenceAfter("fsync failed", e, true);
        }
      }
    }
    try {
      for (Segment seg : toSeal) {
        seg.writeIndexFilesIfPresent();
      }
      Map.Entry<Long, ProducerStateTable> snapshot;
      while ((snapshot = producerSnapshots.poll()) != null) {
        snapshot.getValue().writeSnapshot(state.dir, snapshot.getKey());
        deleteOldProducerSnapshots(snapshot.getKey());
      }
    } catch (IOException e) {
      // Index files and producer snapshots are derived data, rebuilt from the records on load.
      LOG.warn("{}: cannot write index files or a producer snapshot: {}", state.name, e.toString());
    }
    if (dirDirty.getAndSet(false)) {
      try {
        PartitionLog.fsyncDirectory(state.dir);
      } catch (IOException e) {
        dirDirty.set(true); // a new segment's name is not durable yet: retried on resume
        throw state.fenceAfter("directory fsync failed", e, false);
      }
    }
    if (forceData && target > state.durableOffset) {
      state.durableOffset = target;
    }
    completeDurableWaiters();
  }

  /**
   * Close's last flush, once the writer has finished: takes the flusher's turn (so no flush runs
   * concurrently), flushes, and writes the active segment's index files and, when anything changed
   * since the load, a producer snapshot at the log end, so the next open needs no scan.
   */
  void flushForClose() throws IOException, InterruptedException {
    while (!flushScheduled.compareAndSet(false, true)) {
      Thread.sleep(1);
    }
    try {
      flushOnce(true);
      Segment a = state.active;
      if (state.changedSinceLoad || !a.indexFilesCurrent()) {
        if (state.durableOffset < state.logEndOffset) {
          // The final flush above makes everything written durable; force only if it could not.
          forceIfPresent(a);
        }
        a.writeIndexFilesIfPresent();
      }
      if (state.changedSinceLoad) {
        state.producers.writeSnapshot(state.dir, state.logEndOffset);
        deleteOldProducerSnapshots(state.logEndOffset);
      }
    } finally {
      flushScheduled.set(false);
    }
  }

  private void forceIfPresent(Segment seg) throws IOException {
    try {
      long started = System.nanoTime();
      seg.force();
      state.ctx.stats().fsynced(System.nanoTime() - started);
    } catch (SegmentRetiredException e) {
      // Deleted by retention after it was written: nothing left to make durable.
    }
  }

  // ---- durable waiters -------------------------------------------------------------------------

  private void completeDurableWaiters() {
    List<PendingAppend> done = new ArrayList<>();
    synchronized (durableWaiters) {
      long d = state.durableOffset;
      PendingAppend p;
      while ((p = durableWaiters.peek()) != null && p.lastOffset < d) {
        durableWaiters.poll();
        done.add(p);
      }
    }
    for (PendingAppend p : done) {
      p.future.complete(p.result);
    }
  }

  /** Fails every append waiting to be durable with {@code e}. */
  void failDurableWaiters(LogException e) {
    List<PendingAppend> failed = new ArrayList<>();
    synchronized (durableWaiters) {
      PendingAppend p;
      while ((p = durableWaiters.poll()) != null) {
        failed.add(p);
      }
    }
    for (PendingAppend p : failed) {
      p.future.completeExceptionally(e);
    }
  }

  // ---- producer-snapshot files ------------------------------------------------------------------

  /** The offsets of the producer-state snapshots in {@code dir}, oldest first. */
  static List<Long> producerSnapshotOffsets(Path dir) throws IOException {
    List<Long> offsets = new ArrayList<>();
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(dir, "*" + ProducerStateTable.SUFFIX)) {
      for (Path f : files) {
        String n = f.getFileName().toString();
        if (n.length() == 20 + ProducerStateTable.SUFFIX.length()) {
          offsets.add(Long.parseLong(n.substring(0, 20)));
        }
      }
    }
    offsets.sort(null);
    return offsets;
  }

  /**
   * Deletes all but the newest {@value #PRODUCER_SNAPSHOTS_KEPT} snapshots up to {@code newest}.
   */
  private void deleteOldProducerSnapshots(long newest) throws IOException {
    List<Long> offsets = producerSnapshotOffsets(state.dir);
    int keep = PRODUCER_SNAPSHOTS_KEPT;
    for (int i = offsets.size() - 1; i >= 0; i--) {
      long offset = offsets.get(i);
      if (offset > newest) {
        continue;
      }
      if (keep > 0) {
        keep--;
      } else {
        Files.deleteIfExists(ProducerStateTable.snapshotPath(state.dir, offset));
      }
    }
  }
}
