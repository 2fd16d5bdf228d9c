package io.watershed.log;

import io.watershed.log.format.CorruptBatchException;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import io.watershed.log.format.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Checks batches offered for append before they reach the partition's writer, on the caller's
 * thread, so that the single writer only assigns offsets and writes.
 *
 * <p>Checks, in order, for every batch in the buffer: the header fits and the batch length is in
 * bounds; magic is 2; size is within {@code max.message.bytes}; the CRC32C matches; it holds at
 * least one record and is not a control batch (unless allowed); {@code lastOffsetDelta} is the
 * record count minus one; every record parses and its offset delta is its index; in a compacted log
 * every record has a key; CreateTime timestamps lie within the configured window of now.
 */
final class BatchValidator {
  private BatchValidator() {}

  /** Batches that passed validation, with what the writer needs to know of each. */
  static final class Validated {
    final ByteBuffer buffer;
    final int count;
    final int[] positions;
    final int[] sizes;
    final int[] offsetSpans;
    final long[] maxTimestamps;
    final int[] offsetDeltaOfMaxTimestamp;
    final int totalRecords;
    final int totalBytes;

    Validated(
        ByteBuffer buffer,
        int count,
        int[] positions,
        int[] sizes,
        int[] offsetSpans,
        long[] maxTimestamps,
        int[] offsetDeltaOfMaxTimestamp,
        int totalRecords,
        int totalBytes) {
      this.buffer = buffer;
      this.count = count;
      this.positions = positions;
      this.sizes = sizes;
      this.offsetSpans = offsetSpans;
      this.maxTimestamps = maxTimestamps;
      this.offsetDeltaOfMaxTimestamp = offsetDeltaOfMaxTimestamp;
      this.totalRecords = totalRecords;
      this.totalBytes = totalBytes;
    }

    /** Offsets the batches take together. */
    long offsetSpan() {
      long span = 0;
      for (int i = 0; i < count; i++) {
        span += offsetSpans[i];
      }
      return span;
    }
  }

  static Validated validate(ByteBuffer buffer, LogConfig config, AppendOptions options, long now) {
    int start = buffer.position();
    int end = buffer.limit();
    if (end - start < RecordBatchLayout.HEADER_SIZE) {
      throw new CorruptBatchException(
          "append holds no complete batch (" + (end - start) + " bytes)");
    }
    int capacity = 4;
    int[] positions = new int[capacity];
    int[] sizes = new int[capacity];
    int[] spans = new int[capacity];
    long[] maxTs = new long[capacity];
    int[] deltaOfMax = new int[capacity];
    int count = 0;
    int records = 0;
    int at = start;
    while (at < end) {
      if (end - at < RecordBatchLayout.HEADER_SIZE) {
        throw new CorruptBatchException("truncated batch header at byte " + (at - start));
      }
      int batchLength = RecordBatchLayout.batchLength(buffer, at);
      if (batchLength < RecordBatchLayout.HEADER_SIZE - RecordBatchLayout.LOG_OVERHEAD
          || batchLength > end - at - RecordBatchLayout.LOG_OVERHEAD) {
        throw new CorruptBatchException("batch length " + batchLength + " out of bounds");
      }
      int size = batchLength + RecordBatchLayout.LOG_OVERHEAD;
      if (RecordBatchLayout.magic(buffer, at) != RecordBatchLayout.CURRENT_MAGIC) {
        throw new CorruptBatchException(
            "unsupported batch magic "
                + RecordBatchLayout.magic(buffer, at)
                + "; only 2 is stored");
      }
      if (size > config.maxMessageBytes()) {
        throw new RecordTooLargeException(
            "batch of " + size + " bytes exceeds max.message.bytes " + config.maxMessageBytes());
      }
      if (RecordBatchLayout.computeCrc(buffer, at, size)
          != RecordBatchLayout.storedCrc(buffer, at)) {
        throw new CorruptBatchException("batch CRC32C mismatch");
      }
      if (RecordBatchLayout.isControl(buffer, at) && !options.allowControlBatches()) {
        throw new InvalidRecordException("clients may not append control batches");
      }
      int recordCount = RecordBatchLayout.recordCount(buffer, at);
      if (recordCount <= 0) {
        throw new InvalidRecordException("batch holds no records");
      }
      if (RecordBatchLayout.lastOffsetDelta(buffer, at) != recordCount - 1) {
        throw new CorruptBatchException(
            "lastOffsetDelta "
                + RecordBatchLayout.lastOffsetDelta(buffer, at)
                + " does not match "
                + recordCount
                + " records");
      }
      if (count == capacity) {
        capacity *= 2;
        positions = java.util.Arrays.copyOf(positions, capacity);
        sizes = java.util.Arrays.copyOf(sizes, capacity);
        spans = java.util.Arrays.copyOf(spans, capacity);
        maxTs = java.util.Arrays.copyOf(maxTs, capacity);
        deltaOfMax = java.util.Arrays.copyOf(deltaOfMax, capacity);
      }
      long[] max = scanRecords(buffer, at, recordCount, config, now);
      positions[count] = at;
      sizes[count] = size;
      spans[count] = recordCount;
      maxTs[count] = max[0];
      deltaOfMax[count] = (int) max[1];
      count++;
      records += recordCount;
      at += size;
    }
    return new Validated(
        buffer, count, positions, sizes, spans, maxTs, deltaOfMax, records, end - start);
  }

  /**
   * Walks the records without materialising them. Returns {max timestamp, offset delta of the first
   * record holding it}.
   */
  private static long[] scanRecords(
      ByteBuffer batch, int at, int recordCount, LogConfig config, long now) {
    ByteBuffer r = RecordLayout.recordsSection(batch, at);
    long baseTimestamp = RecordBatchLayout.baseTimestamp(batch, at);
    boolean checkTimestamps = !config.logAppendTime();
    long max = Long.MIN_VALUE;
    int deltaOfMax = 0;
    try {
      for (int i = 0; i < recordCount; i++) {
        int length = Varints.readVarint(r);
        if (length < 0 || length > r.remaining()) {
          throw new CorruptBatchException("record " + i + " length out of bounds");
        }
        int recordEnd = r.position() + length;
        ByteBuffer rec = r.duplicate().limit(recordEnd);
        rec.get();
        long timestamp = baseTimestamp + Varints.readVarlong(rec);
        int offsetDelta = Varints.readVarint(rec);
        if (offsetDelta != i) {
          throw new CorruptBatchException("record " + i + " has offset delta " + offsetDelta);
        }
        int keyLength = skipBytes(rec);
        if (keyLength < 0 && config.cleanupCompact()) {
          throw new InvalidRecordException("a compacted topic cannot store a record without key");
        }
        skipBytes(rec);
        int headers = Varints.readVarint(rec);
        if (headers < 0) {
          throw new CorruptBatchException("negative header count");
        }
        for (int h = 0; h < headers; h++) {
          if (skipBytes(rec) < 0) {
            throw new CorruptBatchException("null header key");
          }
          skipBytes(rec);
        }
        if (rec.hasRemaining()) {
          throw new CorruptBatchException("record " + i + " has trailing bytes");
        }
        r.position(recordEnd);
        if (timestamp > max) {
          max = timestamp;
          deltaOfMax = i;
        }
        if (checkTimestamps) {
          checkTimestamp(timestamp, config, now);
        }
      }
    } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new CorruptBatchException("records section ends inside a record", e);
    }
    if (r.hasRemaining()) {
      throw new CorruptBatchException(r.remaining() + " bytes after the last record");
    }
    return new long[] {max, deltaOfMax};
  }

  private static void checkTimestamp(long timestamp, LogConfig config, long now) {
    if (timestamp < 0) {
      return; // "no timestamp" (-1) is stored as sent, as Kafka does.
    }
    if (now - timestamp > config.timestampBeforeMaxMs()) {
      throw new InvalidTimestampException(
          "timestamp "
              + timestamp
              + " is more than message.timestamp.before.max.ms ("
              + config.timestampBeforeMaxMs()
              + ") before now");
    }
    if (timestamp - now > config.timestampAfterMaxMs()) {
      throw new InvalidTimestampException(
          "timestamp "
              + timestamp
              + " is more than message.timestamp.after.max.ms ("
              + config.timestampAfterMaxMs()
              + ") after now");
    }
  }

  /** Skips a length-prefixed field; returns its length (-1 for null). */
  private static int skipBytes(ByteBuffer rec) {
    int length = Varints.readVarint(rec);
    if (length > 0) {
      if (length > rec.remaining()) {
        throw new CorruptBatchException("field length " + length + " exceeds record");
      }
      rec.position(rec.position() + length);
    }
    return length;
  }
}
