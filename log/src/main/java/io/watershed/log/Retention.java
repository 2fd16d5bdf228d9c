package io.watershed.log;

import java.io.IOException;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a partition's old data, whole segments at a time: time and size retention (the active
 * segment is rolled first when it alone has expired), delete-records (which moves the log start
 * offset on purpose), and the segments compaction swaps or empties. A new log start offset is
 * persisted before the segment below it is deleted, so a crash in between leaves a segment to
 * delete again, never a start offset that points into deleted data.
 *
 * <p>Owns no state of its own: it moves {@link PartitionState#logStartOffset} and removes and
 * replaces sealed segments in {@link PartitionState#segments}; the active segment is never touched
 * here (the writer rolls it on request).
 *
 * <p>Thread-safety: runs under the partition's maintenance lock ({@link
 * PartitionState#maintenance}), which {@link #deleteRecordsBefore} and {@link #enforce} take and
 * whose holder calls {@link #replaceSegment}; the writer never takes it, and readers that lose a
 * segment to a deletion retry ({@link SegmentRetiredException}).
 */
final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  private final PartitionState state;
  private final PartitionWriter writer;

  Retention(PartitionState state, PartitionWriter writer) {
    this.state = state;
    this.writer = writer;
  }

  /**
   * Moves the log start offset forward to {@code offset} and deletes the segments wholly below it;
   * see {@link PartitionLog#deleteRecordsBefore}. The partition is loaded.
   */
  long deleteRecordsBefore(long offset) {
    state.maintenance.lock();
    try {
      long end = state.logEndOffset;
      if (offset > end || offset < 0) {
        throw new OffsetOutOfRangeException(offset, state.logStartOffset, end);
      }
      if (offset <= state.logStartOffset) {
        return state.logStartOffset;
      }
      PartitionLoader.persistLogStartOffset(state.dir, offset);
      state.logStartOffset = offset;
      deleteSegmentsBelowStart();
      return state.logStartOffset;
    } catch (IOException e) {
      throw new LogStorageException(state.name + ": delete-records failed: " + e.getMessage(), e);
    } finally {
      state.maintenance.unlock();
    }
  }

  /**
   * Applies time and size retention, deleting whole segments only. The active segment is rolled
   * first when it alone has expired, and deleted on a later pass. The partition is loaded.
   *
   * @return number of segments deleted
   */
  int enforce() {
    state.maintenance.lock();
    try {
      int deleted = deleteSegmentsBelowStart();
      LogConfig cfg = state.config;
      if (!cfg.cleanupDelete()) {
        return deleted;
      }
      long now = state.ctx.clock().getAsLong();
      if (cfg.retentionMs() >= 0) {
        for (Segment s : state.sealedSegments()) {
          s.load();
          if (now - effectiveMaxTimestamp(s) > cfg.retentionMs()) {
            deleteSegment(s, "retention.ms");
            deleted++;
          } else {
            break;
          }
        }
        Segment a = state.active;
        if (state.segments.size() == 1
            && !a.isEmpty()
            && now - effectiveMaxTimestamp(a) > cfg.retentionMs()) {
          writer.requestRoll();
        }
      }
      if (cfg.retentionBytes() >= 0) {
        long total = state.sizeInBytes();
        for (Segment s : state.sealedSegments()) {
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
      state.maintenance.unlock();
    }
  }

  private static long effectiveMaxTimestamp(Segment s) throws IOException {
    long ts = s.maxTimestamp();
    return ts >= 0 ? ts : Files.getLastModifiedTime(s.file.path()).toMillis();
  }

  private int deleteSegmentsBelowStart() throws IOException {
    int deleted = 0;
    for (Segment s : state.sealedSegments()) {
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
    Long next = state.segments.higherKey(s.baseOffset);
    if (advanceStart && next != null && next > state.logStartOffset) {
      PartitionLoader.persistLogStartOffset(state.dir, next);
      state.logStartOffset = next;
    }
    state.segments.remove(s.baseOffset, s);
    s.delete();
    state.ctx.stats().segmentsDeleted.increment();
    LOG.info("{}: deleted segment {} ({})", state.name, s, reason);
  }

  /**
   * Swaps a compacted replacement in for {@code old}, or removes {@code old} when nothing in it
   * survived. Compaction never moves the log start offset, so when the first segment goes, the
   * start offset is persisted: otherwise the next open would derive it from the next segment. The
   * cleaner holds the maintenance lock.
   */
  void replaceSegment(Segment old, Segment replacement) throws IOException {
    if (replacement != null) {
      replacement.setFollowingBase(old.followingBase());
      state.segments.replace(old.baseOffset, old, replacement);
      return;
    }
    if (state.segments.firstKey() == old.baseOffset
        && state.logStartOffset < state.segments.higherKey(old.baseOffset)) {
      PartitionLoader.persistLogStartOffset(state.dir, state.logStartOffset);
    }
    state.segments.remove(old.baseOffset, old);
  }
}
