package io.watershed.log;

import io.watershed.log.format.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks the batches of a records file in order and stops at the first one that is torn or invalid.
 * Used by recovery, by index rebuilding and by the first-read verification of segments loaded from
 * disk.
 *
 * <p>A batch is valid when its header fits, its length is at least a header and ends within the
 * file, its magic is 2, its offsets are not below those of the batch before, and — when CRCs are
 * checked — its CRC32C matches. A run of zero bytes (a preallocated or torn tail) fails the length
 * check.
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
   */
  record Result(int validEnd, long nextOffset, String problem) {}

  private static final int CHUNK = 1 << 20;

  private SegmentScanner() {}

  static Result scan(
      FileChannel ch, int from, long limit, long minOffset, boolean checkCrc, BatchVisitor visitor)
      throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
    long chunkStart = from;
    chunk.limit(0);
    int position = from;
    long nextOffset = minOffset;
    while (position < limit) {
      int inChunk = (int) (position - chunkStart);
      if (chunk.limit() - inChunk < RecordBatchLayout.HEADER_SIZE) {
        chunkStart = position;
        chunk = fill(ch, chunk, position, limit, CHUNK);
        inChunk = 0;
        if (chunk.limit() < RecordBatchLayout.HEADER_SIZE) {
          return new Result(position, nextOffset, "torn batch header at position " + position);
        }
      }
      int batchLength = RecordBatchLayout.batchLength(chunk, inChunk);
      if (batchLength < RecordBatchLayout.HEADER_SIZE - RecordBatchLayout.LOG_OVERHEAD) {
        return new Result(
            position, nextOffset, "invalid batch length " + batchLength + " at " + position);
      }
      int size = batchLength + RecordBatchLayout.LOG_OVERHEAD;
      if (position + (long) size > limit) {
        return new Result(position, nextOffset, "torn batch at position " + position);
      }
      if (chunk.limit() - inChunk < size) {
        chunkStart = position;
        chunk = fill(ch, chunk, position, limit, Math.max(CHUNK, size));
        inChunk = 0;
        if (chunk.limit() < size) {
          return new Result(position, nextOffset, "torn batch at position " + position);
        }
      }
      if (RecordBatchLayout.magic(chunk, inChunk) != RecordBatchLayout.CURRENT_MAGIC) {
        return new Result(position, nextOffset, "invalid magic at position " + position);
      }
      long baseOffset = RecordBatchLayout.baseOffset(chunk, inChunk);
      int lastDelta = RecordBatchLayout.lastOffsetDelta(chunk, inChunk);
      if (baseOffset < nextOffset || lastDelta < 0) {
        return new Result(position, nextOffset, "offsets go backwards at position " + position);
      }
      if (checkCrc
          && RecordBatchLayout.computeCrc(chunk, inChunk, size)
              != RecordBatchLayout.storedCrc(chunk, inChunk)) {
        return new Result(position, nextOffset, "CRC mismatch at position " + position);
      }
      visitor.visit(position, chunk.slice(inChunk, size));
      nextOffset = baseOffset + lastDelta + 1;
      position += size;
    }
    return new Result(position, nextOffset, null);
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
