package io.watershed.log;

import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchBuilder;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compaction for {@code cleanup.policy=compact}: keeps the latest record of every key, in place,
 * with offsets and order unchanged.
 *
 * <p>A pass over a partition: (1) the sealed segments old enough ({@code min.compaction.lag.ms})
 * form the cleanable range, the active segment is never touched, so appends go on; (2) the keys of
 * the range's dirty part (not compacted since this process started or since the last pass) go into
 * a {@link KeyOffsetMap} with their latest offsets; (3) each cleanable segment is rewritten keeping
 * a record when no later offset holds its key. Tombstones (null values) are kept on their first
 * pass, which stamps their batch with a delete horizon of now + {@code delete.retention.ms}, and
 * dropped by the first pass after the horizon.
 *
 * <p>Damage: a segment holding a damaged range is never compacted or rewritten (the rewrite would
 * drop the damaged bytes silently); compaction stops before it. {@link #skipDamage} is the one
 * rewrite that removes damaged bytes, run on an operator's request. Every batch a rewrite produces
 * is checked as appends are, and the rewritten file is scanned with CRC checks before it replaces
 * the original.
 *
 * <p>Crash safety: a segment is rewritten into {@code <base>.log.cleaned}, fsynced, and renamed
 * over the original in one atomic step. A leftover {@code .cleaned} file means the crash came first
 * and is deleted on open (rolled back); after the rename the new file is complete, and its index
 * files are rebuilt on open if they were not written yet (finished).
 */
final class LogCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);
  private static final int MAP_SLOTS = 1 << 20;

  private final LongSupplier clock;
  private KeyOffsetMap map;
  private volatile boolean stopped;

  LogCleaner(LongSupplier clock) {
    this.clock = clock;
  }

  void stop() {
    stopped = true;
  }

  /**
   * Compacts {@code log} if it is due ({@code force} ignores the dirty ratio).
   *
   * @return whether anything was rewritten
   */
  boolean clean(PartitionLog log, boolean force) throws IOException {
    log.load();
    log.maintenance.lock();
    try {
      LogConfig cfg = log.config();
      if (!cfg.cleanupCompact()) {
        return false;
      }
      long now = clock.getAsLong();
      List<Segment> cleanable = new ArrayList<>();
      for (Segment s : log.sealedSegments()) {
        s.ensureVerified();
        if (!s.damages().isEmpty()) {
          break; // its keys are unknown, and a rewrite would drop the damaged bytes
        }
        // With no lag configured every sealed segment is cleanable, even one holding a
        // timestamp from the future (as Kafka skips the check when the lag is 0).
        if (cfg.minCompactionLagMs() > 0
            && s.maxTimestamp() >= 0
            && now - s.maxTimestamp() < cfg.minCompactionLagMs()) {
          break;
        }
        cleanable.add(s);
      }
      if (cleanable.isEmpty()) {
        return false;
      }
      long firstDirty = Math.max(log.firstDirtyOffset, cleanable.getFirst().baseOffset);
      long total = 0;
      long dirtyBytes = 0;
      for (Segment s : cleanable) {
        total += s.size();
        if (s.nextOffset() > firstDirty) {
          dirtyBytes += s.size();
        }
      }
      if (dirtyBytes == 0
          || (!force && (double) dirtyBytes / total < cfg.minCleanableDirtyRatio())) {
        return false;
      }
      if (map == null) {
        map = new KeyOffsetMap(MAP_SLOTS);
      }
      map.clear();
      List<Segment> mapped = buildMap(log, cleanable, firstDirty);
      if (mapped.isEmpty()) {
        return false;
      }
      Segment lastMapped = mapped.getLast();
      long cleanedUpTo = lastMapped.nextOffset();
      long before = 0;
      long after = 0;
      for (Segment s : cleanable) {
        if (stopped) {
          return false;
        }
        if (s.baseOffset > lastMapped.baseOffset) {
          break;
        }
        before += s.size();
        after += rewriteSegment(log, s, batch -> filterBatch(batch, cfg, now), false);
      }
      log.firstDirtyOffset = cleanedUpTo;
      LOG.info(
          "{}: compacted offsets below {}: {} -> {} bytes", log.name(), cleanedUpTo, before, after);
      return true;
    } finally {
      log.maintenance.unlock();
    }
  }

  /** Maps the keys of the dirty segments; returns the segments fully mapped. */
  private List<Segment> buildMap(PartitionLog log, List<Segment> cleanable, long firstDirty)
      throws IOException {
    List<Segment> mapped = new ArrayList<>();
    for (Segment s : cleanable) {
      if (s.nextOffset() > firstDirty) {
        if (map.isFull()) {
          break;
        }
        forEachBatch(
            log,
            s,
            batch -> {
              if (RecordBatchLayout.isControl(batch, 0)) {
                return;
              }
              RecordLayout.forEachRecord(
                  batch,
                  0,
                  r -> {
                    if (r.key() != null && r.offset() >= firstDirty) {
                      map.put(r.key(), r.offset());
                    }
                  });
            });
      }
      mapped.add(s);
    }
    return mapped;
  }

  private interface BatchConsumer {
    void accept(ByteBuffer batch) throws IOException;
  }

  private static void forEachBatch(PartitionLog log, Segment s, BatchConsumer consumer)
      throws IOException {
    try (FileHandlePool.Lease lease = log.context().pool().acquire(s.file)) {
      IOException[] failure = {null};
      SegmentScanner.Result result =
          SegmentScanner.scan(
              lease.channel(),
              0,
              s.size(),
              s.baseOffset,
              Long.MAX_VALUE,
              true,
              s.damages(),
              (position, batch) -> {
                if (failure[0] == null) {
                  try {
                    consumer.accept(batch);
                  } catch (IOException e) {
                    failure[0] = e;
                  }
                }
              });
      if (failure[0] != null) {
        throw failure[0];
      }
      if (result.problem() != null) {
        throw new IOException(s + ": " + result.problem());
      }
    }
  }

  /**
   * Rewrites the sealed segments of {@code log} keeping only the records {@code keep} accepts, with
   * the same crash safety as compaction; the active segment is never touched. Whole segments left
   * empty are removed (the log start offset does not move).
   *
   * @return bytes reclaimed
   */
  long retain(PartitionLog log, Predicate<Record> keep) throws IOException {
    log.load();
    log.maintenance.lock();
    try {
      long before = 0;
      long after = 0;
      for (Segment s : log.sealedSegments()) {
        if (stopped) {
          break;
        }
        s.ensureVerified();
        if (!s.damages().isEmpty()) {
          continue; // left for an operator's repair; a rewrite would drop the damaged bytes
        }
        before += s.size();
        after += rewriteSegment(log, s, batch -> retainInBatch(batch, keep), false);
      }
      if (before != after) {
        LOG.info("{}: rewrote sealed segments: {} -> {} bytes", log.name(), before, after);
      }
      return before - after;
    } finally {
      log.maintenance.unlock();
    }
  }

  /** Maps a batch to itself (all kept), null (none kept), or a re-encoded batch of survivors. */
  private interface BatchFilter {
    ByteBuffer apply(ByteBuffer batch);
  }

  /**
   * Skips every damaged range of {@code log}, on an operator's request: verifies every segment,
   * cuts a damaged tail of unknown extent (appends resume where the intact data ends), and rewrites
   * each segment holding damage without its damaged bytes (their offsets become a gap, as
   * compaction leaves). Reads then go on past where the damage was.
   *
   * @return the ranges skipped, oldest first
   */
  List<LogDamage> skipDamage(PartitionLog log) throws IOException {
    log.load();
    log.maintenance.lock();
    try {
      List<LogDamage> skipped = new ArrayList<>();
      for (Segment s : log.segmentsView()) {
        s.ensureVerified();
      }
      LogDamage tail = log.cutDamagedTail();
      if (!log.activeSegment().damages().isEmpty()) {
        log.requestRoll().join(); // only sealed segments are rewritten
      }
      for (Segment s : log.sealedSegments()) {
        if (!s.damages().isEmpty()) {
          skipped.addAll(s.damages());
          rewriteSegment(log, s, batch -> batch, true);
          LOG.warn(
              "{}: skipped the damaged ranges of {} on request: {}", log.name(), s, s.damages());
        }
      }
      if (tail != null) {
        skipped.add(tail);
      }
      return skipped;
    } finally {
      log.maintenance.unlock();
    }
  }

  /**
   * Rewrites one segment through {@code filter}, stepping over its damaged ranges; returns its new
   * size (0 when nothing survived).
   *
   * @param always rewrite even when the filter keeps every batch (to drop damaged bytes)
   */
  private long rewriteSegment(PartitionLog log, Segment s, BatchFilter filter, boolean always)
      throws IOException {
    Path cleanedPath =
        s.file.path().resolveSibling(Segment.fileStem(s.baseOffset) + ".log.cleaned");
    List<ByteBuffer> out = new ArrayList<>();
    boolean[] changed = {always};
    forEachBatch(
        log,
        s,
        batch -> {
          ByteBuffer kept = filter.apply(batch);
          if (kept != batch) {
            changed[0] = true;
            if (kept != null) {
              BatchValidator.checkWellFormed(kept);
            }
          }
          if (kept != null) {
            ByteBuffer copy = ByteBuffer.allocate(kept.remaining());
            copy.put(kept.duplicate()).flip();
            out.add(copy);
          }
        });
    if (!changed[0]) {
      return s.size();
    }
    long size = 0;
    for (ByteBuffer b : out) {
      size += b.remaining();
    }
    if (size == 0) {
      log.replaceSegment(s, null);
      s.delete();
      return 0;
    }
    try (FileChannel ch =
        FileChannel.open(
            cleanedPath,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer[] buffers = out.toArray(new ByteBuffer[0]);
      long left = size;
      while (left > 0) {
        left -= ch.write(buffers);
      }
      ch.force(true);
    }
    Segment replacement =
        Segment.existingAt(s.dirPath(), s.baseOffset, log.context().pool(), cleanedPath);
    replacement.recover(s.baseOffset, Long.MAX_VALUE, -1);
    if (!replacement.damages().isEmpty() || replacement.size() != size) {
      // What was written is not what was verified: keep the original.
      log.context().pool().retire(replacement.file, true);
      throw new IOException(
          s + ": the rewritten file does not verify (" + replacement.damages() + "); kept as was");
    }
    s.retireReplaced();
    log.context().pool().rename(replacement.file, Segment.logPath(s.dirPath(), s.baseOffset));
    log.replaceSegment(s, replacement);
    PartitionLog.fsyncDirectory(s.dirPath());
    replacement.writeIndexFiles();
    Files.deleteIfExists(cleanedPath);
    return size;
  }

  /**
   * Returns {@code batch} itself when every record stays, null when none does, or a re-encoded
   * batch (same base offset, span, producer and compression) holding the survivors.
   */
  private ByteBuffer filterBatch(ByteBuffer batch, LogConfig cfg, long now) {
    if (RecordBatchLayout.isControl(batch, 0)) {
      return batch;
    }
    boolean hasHorizon = RecordBatchLayout.hasDeleteHorizon(batch, 0);
    long horizon = hasHorizon ? RecordBatchLayout.baseTimestamp(batch, 0) : -1;
    List<Record> records = RecordLayout.readRecords(batch, 0);
    List<Record> kept = new ArrayList<>(records.size());
    boolean tombstoneNeedsHorizon = false;
    for (Record r : records) {
      if (r.key() == null) {
        continue; // a compacted log cannot address a record without a key
      }
      long latest = map.get(r.key());
      if (latest > r.offset()) {
        continue;
      }
      if (r.isTombstone()) {
        if (hasHorizon && now >= horizon) {
          continue;
        }
        if (!hasHorizon) {
          tombstoneNeedsHorizon = true;
        }
      }
      kept.add(r);
    }
    if (kept.size() == records.size() && !tombstoneNeedsHorizon) {
      return batch;
    }
    if (kept.isEmpty()) {
      return null;
    }
    long deleteHorizon =
        tombstoneNeedsHorizon
            ? now + cfg.deleteRetentionMs()
            : hasHorizon ? horizon : RecordBatchLayout.NO_TIMESTAMP;
    return rebuild(batch, kept, deleteHorizon);
  }

  private static ByteBuffer retainInBatch(ByteBuffer batch, Predicate<Record> keep) {
    if (RecordBatchLayout.isControl(batch, 0)) {
      return batch;
    }
    List<Record> records = RecordLayout.readRecords(batch, 0);
    List<Record> kept = new ArrayList<>(records.size());
    for (Record r : records) {
      if (keep.test(r)) {
        kept.add(r);
      }
    }
    if (kept.size() == records.size()) {
      return batch;
    }
    if (kept.isEmpty()) {
      return null;
    }
    boolean hasHorizon = RecordBatchLayout.hasDeleteHorizon(batch, 0);
    return rebuild(
        batch,
        kept,
        hasHorizon ? RecordBatchLayout.baseTimestamp(batch, 0) : RecordBatchLayout.NO_TIMESTAMP);
  }

  /**
   * {@code kept}, records of {@code batch}, re-encoded as a batch with the same base offset, span,
   * producer, compression and timestamp type.
   */
  private static ByteBuffer rebuild(ByteBuffer batch, List<Record> kept, long deleteHorizon) {
    RecordBatchBuilder b =
        RecordBatchBuilder.create(RecordBatchLayout.compression(batch, 0))
            .baseOffset(RecordBatchLayout.baseOffset(batch, 0))
            .producer(
                RecordBatchLayout.producerId(batch, 0),
                RecordBatchLayout.producerEpoch(batch, 0),
                RecordBatchLayout.baseSequence(batch, 0))
            .partitionLeaderEpoch(batch.getInt(RecordBatchLayout.PARTITION_LEADER_EPOCH))
            .transactional(RecordBatchLayout.isTransactional(batch, 0))
            .lastOffsetDelta(RecordBatchLayout.lastOffsetDelta(batch, 0));
    boolean logAppendTime = RecordBatchLayout.isLogAppendTime(batch, 0);
    b.logAppendTime(logAppendTime);
    if (deleteHorizon != RecordBatchLayout.NO_TIMESTAMP) {
      b.deleteHorizonMs(deleteHorizon);
    }
    for (Record r : kept) {
      b.appendWithOffset(r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
    }
    ByteBuffer rebuilt = b.build();
    if (logAppendTime) {
      // Keep the stamped time: records of a LogAppendTime batch all read as its max timestamp.
      RecordBatchLayout.stampLogAppendTime(rebuilt, 0, RecordBatchLayout.maxTimestamp(batch, 0));
    }
    return rebuilt;
  }
}
