package io.watershed.log;

import io.watershed.log.format.CorruptBatchException;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import io.watershed.log.format.Varints;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(BatchValidator.class);

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

  /**
   * Validates the batches between {@code buffer}'s position and limit.
   *
   * @param config the partition's configuration, whose client policies (size, timestamps, keys of a
   *     compacted log, control batches) apply; null to check the format only
   */
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
      if (config != null && size > config.maxMessageBytes()) {
        throw new RecordTooLargeException(
            "batch of " + size + " bytes exceeds max.message.bytes " + config.maxMessageBytes());
      }
      if (RecordBatchLayout.computeCrc(buffer, at, size)
          != RecordBatchLayout.storedCrc(buffer, at)) {
        throw new CorruptBatchException("batch CRC32C mismatch");
      }
      if (config != null
          && RecordBatchLayout.isControl(buffer, at)
          && !options.allowControlBatches()) {
        throw new InvalidRecordException("clients may not append control batches");
      }
      int recordCount = RecordBatchLayout.recordCount(buffer, at);
      if (recordCount <= 0) {
        throw new InvalidRecordException("batch holds no records");
      }
      // A compaction's rewrite keeps a batch's offset span while dropping records, so the
      // engine's own batches may hold fewer records than offsets; clients' batches may not.
      int lastDelta = RecordBatchLayout.lastOffsetDelta(buffer, at);
      if (config == null ? lastDelta < recordCount - 1 : lastDelta != recordCount - 1) {
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
      long[] max = scanRecords(buffer, at, recordCount, lastDelta, config, now);
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
   * Checks, on the writer's thread just before the write, that every batch still holds the bytes
   * that were validated: their CRC32C still matches. Appends validate on the caller's thread and
   * write from the caller's buffer; a caller that released or reused the buffer too early would
   * otherwise get other bytes stored and acknowledged.
   *
   * @throws CorruptBatchException when a batch changed after validation (a bug in the caller)
   */
  static void checkUnchanged(Validated v, String partition) {
    for (int i = 0; i < v.count; i++) {
      int at = v.positions[i];
      if (RecordBatchLayout.computeCrc(v.buffer, at, v.sizes[i])
          != RecordBatchLayout.storedCrc(v.buffer, at)) {
        LOG.error(
            "{}: a batch changed between its validation and its write; refused (the caller"
                + " reused its buffer too early)",
            partition);
        throw new CorruptBatchException("batch CRC32C mismatch at write: its bytes changed");
      }
    }
  }

  /**
   * Checks one batch written by the engine itself (a compaction's re-encoded batch) as appends are
   * checked, apart from the policies that concern clients (timestamps, keys, control batches): its
   * header, CRC32C, codec and every record's framing.
   *
   * @throws CorruptBatchException when it is not a well-formed batch
   */
  static void checkWellFormed(ByteBuffer batch) {
    validate(batch.duplicate(), null, AppendOptions.WRITTEN, 0L);
  }

  /**
   * Walks the records without materialising them. Returns {max timestamp, offset delta of the first
   * record holding it}.
   */
  private static long[] scanRecords(
      ByteBuffer batch, int at, int recordCount, int lastDelta, LogConfig config, long now) {
    ByteBuffer r = RecordLayout.recordsSection(batch, at);
    long baseTimestamp = RecordBatchLayout.baseTimestamp(batch, at);
    boolean checkTimestamps = config != null && !config.logAppendTime();
    boolean keysRequired = config != null && config.cleanupCompact();
    long max = Long.MIN_VALUE;
    int deltaOfMax = 0;
    int previousDelta = -1;
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
        if (config == null
            ? offsetDelta <= previousDelta || offsetDelta > lastDelta
            : offsetDelta != i) {
          throw new CorruptBatchException("record " + i + " has offset delta " + offsetDelta);
        }
        previousDelta = offsetDelta;
        int keyLength = skipBytes(rec);
        if (keyLength < 0 && keysRequired) {
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
          deltaOfMax = offsetDelta;
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
