package io.watershed.kafka;

import io.watershed.log.LogSlice;
import io.watershed.log.format.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Counts the records a fetch delivers from a slice it sends with zero copy, for the records-out
 * metric: the whole batches' record counts, less the records of the first batch below the fetch
 * offset (the consumer skips them). A partial batch at the end is not counted: the consumer fetches
 * it again. Reads only the batch headers, in 4 KiB windows through a per-thread direct buffer, so a
 * fetch of many small batches costs a few reads and a fetch of large ones one read per batch.
 */
public final class SliceRecordCount {
  private static final int WINDOW = 4096;
  private static final ThreadLocal<ByteBuffer> BUFFERS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(WINDOW));

  private SliceRecordCount() {}

  /** Records of the slice at or after {@code fetchOffset}; 0 when the headers cannot be read. */
  public static long count(LogSlice slice, long fetchOffset) {
    ByteBuffer window = BUFFERS.get();
    long records = 0;
    int at = 0;
    int windowStart = 0;
    window.limit(0);
    try {
      while (slice.size() - at >= RecordBatchLayout.HEADER_SIZE) {
        if (at + RecordBatchLayout.HEADER_SIZE > windowStart + window.limit()) {
          windowStart = at;
          fill(slice, window, at);
          if (window.limit() < RecordBatchLayout.HEADER_SIZE) {
            break;
          }
        }
        int p = at - windowStart;
        int batchSize = RecordBatchLayout.sizeInBytes(window, p);
        if (batchSize <= RecordBatchLayout.HEADER_SIZE || at + batchSize > slice.size()) {
          break;
        }
        long base = RecordBatchLayout.baseOffset(window, p);
        long last = base + window.getInt(p + RecordBatchLayout.LAST_OFFSET_DELTA);
        long inBatch = window.getInt(p + RecordBatchLayout.RECORD_COUNT);
        if (base < fetchOffset) {
          inBatch = Math.max(0, Math.min(inBatch, last - fetchOffset + 1));
        }
        records += inBatch;
        at += batchSize;
      }
    } catch (IOException | RuntimeException e) {
      // A metric is not worth failing a fetch for; what was counted so far stands.
    }
    return records;
  }

  private static void fill(LogSlice slice, ByteBuffer window, int at) throws IOException {
    window.clear();
    window.limit(Math.min(WINDOW, slice.size() - at));
    long position = slice.position() + at;
    while (window.hasRemaining()) {
      int n = slice.channel().read(window, position + window.position());
      if (n < 0) {
        break;
      }
    }
    window.flip();
  }
}
