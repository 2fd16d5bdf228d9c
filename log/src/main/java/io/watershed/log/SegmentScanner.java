package io.watershed.log;

import io.watershed.log.format.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks the batches of a records file in order. {@link #scan} stops at the first batch that is torn
 * or invalid; {@link #scanResyncing} goes on past damage, finding the next intact batch, and
 * reports each damaged range. Used by recovery, by index rebuilding, by the first-read verification
 * of segments loaded from disk, and by compaction.
 *
 * <p>A batch is valid when its header fits, its length is at least a header and ends within the
 * file, its magic is 2, its offsets are not below those of the batch before, and — when CRCs are
 * checked — its CRC32C matches. A run of zero bytes (a preallocated or torn tail) fails the length
 * check.
 *
 * <p>The base offset is not covered by the CRC, so a damaged one is found by its neighbours: the
 * offsets of one segment lie within {@code [its base offset, its base offset + 2^31)}, and a batch
 * that leaves a gap in the offsets (only compaction and skipped damage leave gaps) must be followed
 * by an intact batch that starts after it; when the intact batch after it starts inside its range
 * instead, its own base offset is the damaged field.
 */
final class SegmentScanner {
  /**
   * Called for every valid batch; {@code batch} holds exactly that batch, valid during the call.
   */
  @FunctionalInterface
  interface BatchVisitor {
    void visit(int position, ByteBuffer batch);
  }

  /**
   * The outcome of a scan.
   *
   * @param validEnd position just after the last valid batch
   * @param nextOffset one past the last offset of the last valid batch, or the start offset
   * @param problem why the scan stopped before {@code limit}, or null if it reached it
   * @param damages the damaged ranges a resyncing scan went past, in file order; the last one runs
   *     to the end of the file when no intact batch follows it (its end offset is then -1)
   */
  record Result(int validEnd, long nextOffset, String problem, List<LogDamage> damages) {
    Result(int validEnd, long nextOffset, String problem) {
      this(validEnd, nextOffset, problem, List.of());
    }
  }

  private static final int CHUNK = 1 << 20;

  private SegmentScanner() {}

  /**
   * Scans {@code [from, limit)}, stopping at the first invalid batch. Ranges in {@code skip} (known
   * damage, positions in this file) are stepped over without being read.
   *
   * @param minOffset the smallest offset a batch may hold
   * @param endBound offsets must lie below this (the next segment's base offset), or Long.MAX_VALUE
   */
  static Result scan(
      FileChannel ch,
      int from,
      long limit,
      long minOffset,
      long endBound,
      boolean checkCrc,
      List<LogDamage> skip,
      BatchVisitor visitor)
      throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    long chunkStart = from;
    chunk.limit(0);
    int position = from;
    long nextOffset = minOffset;
    int validEnd = from;
    while (position < limit) {
      LogDamage damaged = startingAt(skip, position);
      if (damaged != null) {
        position += damaged.length();
        if (damaged.endKnown()) {
          nextOffset = Math.max(nextOffset, damaged.endOffset());
        }
        continue;
      }
      int inChunk = (int) (position - chunkStart);
      if (inChunk < 0 || chunk.limit() - inChunk < RecordBatchLayout.HEADER_SIZE) {
        chunkStart = position;
        chunk = fill(ch, chunk, position, limit, CHUNK);
        inChunk = 0;
        if (chunk.limit() < RecordBatchLayout.HEADER_SIZE) {
          return new Result(validEnd, nextOffset, "torn batch header at position " + position);
        }
      }
      int batchLength = RecordBatchLayout.batchLength(chunk, inChunk);
      if (batchLength < RecordBatchLayout.HEADER_SIZE - RecordBatchLayout.LOG_OVERHEAD) {
        return new Result(
            validEnd, nextOffset, "invalid batch length " + batchLength + " at " + position);
      }
      int size = batchLength + RecordBatchLayout.LOG_OVERHEAD;
      if (position + (long) size > limit) {
        return new Result(validEnd, nextOffset, "torn batch at position " + position);
      }
      if (chunk.limit() - inChunk < size) {
        chunkStart = position;
        chunk = fill(ch, chunk, position, limit, Math.max(CHUNK, size));
        inChunk = 0;
        if (chunk.limit() < size) {
          return new Result(validEnd, nextOffset, "torn batch at position " + position);
        }
      }
      if (RecordBatchLayout.magic(chunk, inChunk) != RecordBatchLayout.CURRENT_MAGIC) {
        return new Result(validEnd, nextOffset, "invalid magic at position " + position);
      }
      long baseOffset = RecordBatchLayout.baseOffset(chunk, inChunk);
      int lastDelta = RecordBatchLayout.lastOffsetDelta(chunk, inChunk);
      if (baseOffset < nextOffset || lastDelta < 0) {
        return new Result(validEnd, nextOffset, "offsets go backwards at position " + position);
      }
      if (baseOffset + lastDelta - minOffset > Integer.MAX_VALUE
          || baseOffset + lastDelta >= endBound) {
        return new Result(
            validEnd, nextOffset, "offsets out of the segment's range at position " + position);
      }
      if (checkCrc
          && RecordBatchLayout.computeCrc(chunk, inChunk, size)
              != RecordBatchLayout.storedCrc(chunk, inChunk)) {
        return new Result(validEnd, nextOffset, "CRC mismatch at position " + position);
      }
      if (checkCrc && baseOffset > nextOffset && position + size < limit) {
        long following = intactBaseOffsetAt(ch, position + size, limit);
        if (following >= nextOffset && following <= baseOffset + lastDelta) {
          return new Result(validEnd, nextOffset, "damaged base offset at position " + position);
        }
      }
      visitor.visit(position, chunk.slice(inChunk, size));
      nextOffset = baseOffset + lastDelta + 1;
      position += size;
      validEnd = position;
    }
    return new Result(validEnd, nextOffset, null);
  }

  /**
   * Scans the whole file with CRC checks and goes on past damage: after an invalid batch it looks
   * for the next position holding an intact batch (magic 2, a length within the file, offsets not
   * below those already seen, and a matching CRC32C — a chance match is one in 2^32 per candidate
   * that passes the header checks) and resumes there. Every batch visited is intact.
   *
   * @param segment the file's name, for the damage records
   */
  static Result scanResyncing(
      FileChannel ch,
      String segment,
      long limit,
      long minOffset,
      long endBound,
      BatchVisitor visitor)
      throws IOException {
    List<LogDamage> damages = new ArrayList<>();
    int position = 0;
    long nextOffset = minOffset;
    while (true) {
      Result r = scan(ch, position, limit, nextOffset, endBound, true, List.of(), visitor);
      if (r.problem() == null) {
        return new Result(r.validEnd(), r.nextOffset(), null, damages);
      }
      int damagedAt = r.validEnd();
      long resumeAt = findIntactBatch(ch, damagedAt + 1, limit, r.nextOffset(), endBound);
      if (resumeAt < 0) {
        damages.add(
            new LogDamage(
                segment, damagedAt, (int) (limit - damagedAt), r.nextOffset(), -1, r.problem()));
        return new Result(damagedAt, r.nextOffset(), null, damages);
      }
      long resumeOffset = baseOffsetAt(ch, resumeAt);
      damages.add(
          new LogDamage(
              segment,
              damagedAt,
              (int) (resumeAt - damagedAt),
              r.nextOffset(),
              resumeOffset,
              r.problem()));
      position = (int) resumeAt;
      nextOffset = resumeOffset;
    }
  }

  /** The first position in {@code [from, limit)} where an intact batch starts, or -1. */
  private static long findIntactBatch(
      FileChannel ch, long from, long limit, long minOffset, long endBound) throws IOException {
    ByteBuffer window = ByteBuffer.allocate(CHUNK);
    int header = RecordBatchLayout.HEADER_SIZE;
    for (long start = from; start + header <= limit; start += CHUNK - header + 1) {
      window = fill(ch, window, start, limit, CHUNK);
      for (int i = 0; i + header <= window.limit(); i++) {
        if (window.get(i + RecordBatchLayout.MAGIC) != RecordBatchLayout.CURRENT_MAGIC) {
          continue;
        }
        long at = start + i;
        int batchLength = RecordBatchLayout.batchLength(window, i);
        if (batchLength < header - RecordBatchLayout.LOG_OVERHEAD
            || at + RecordBatchLayout.LOG_OVERHEAD + (long) batchLength > limit
            || RecordBatchLayout.baseOffset(window, i) < minOffset
            || RecordBatchLayout.lastOffsetDelta(window, i) < 0
            || RecordBatchLayout.lastOffset(window, i) >= endBound
            || RecordBatchLayout.recordCount(window, i) < 0) {
          continue;
        }
        ByteBuffer batch = ByteBuffer.allocate(batchLength + RecordBatchLayout.LOG_OVERHEAD);
        if (Segment.readFully(ch, batch, at) == batch.capacity()
            && RecordBatchLayout.computeCrc(batch, 0, batch.capacity())
                == RecordBatchLayout.storedCrc(batch, 0)) {
          return at;
        }
      }
    }
    return -1;
  }

  /** The base offset of the intact batch at {@code position}, or -1 when none is there. */
  private static long intactBaseOffsetAt(FileChannel ch, long position, long limit)
      throws IOException {
    ByteBuffer header = ByteBuffer.allocate(RecordBatchLayout.HEADER_SIZE);
    if (position + header.capacity() > limit
        || Segment.readFully(ch, header, position) < header.capacity()
        || RecordBatchLayout.magic(header, 0) != RecordBatchLayout.CURRENT_MAGIC) {
      return -1;
    }
    int batchLength = RecordBatchLayout.batchLength(header, 0);
    if (batchLength < header.capacity() - RecordBatchLayout.LOG_OVERHEAD
        || position + RecordBatchLayout.LOG_OVERHEAD + (long) batchLength > limit) {
      return -1;
    }
    ByteBuffer batch = ByteBuffer.allocate(batchLength + RecordBatchLayout.LOG_OVERHEAD);
    if (Segment.readFully(ch, batch, position) < batch.capacity()
        || RecordBatchLayout.computeCrc(batch, 0, batch.capacity())
            != RecordBatchLayout.storedCrc(batch, 0)) {
      return -1;
    }
    return RecordBatchLayout.baseOffset(batch, 0);
  }

  private static long baseOffsetAt(FileChannel ch, long position) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(Long.BYTES);
    Segment.readFully(ch, b, position);
    return b.getLong(0);
  }

  private static LogDamage startingAt(List<LogDamage> damages, int position) {
    for (LogDamage d : damages) {
      if (d.position() == position) {
        return d;
      }
    }
    return null;
  }

  private static ByteBuffer fill(FileChannel ch, ByteBuffer buf, long position, long limit, int min)
      throws IOException {
    ByteBuffer b = buf.capacity() >= min ? buf : ByteBuffer.allocate(min);
    b.clear();
    int want = (int) Math.min(b.capacity(), limit - position);
    b.limit(want);
    long at = position;
    while (b.hasRemaining()) {
      int n = ch.read(b, at);
      if (n < 0) {
        break;
      }
      at += n;
    }
    b.flip();
    return b;
  }
}
