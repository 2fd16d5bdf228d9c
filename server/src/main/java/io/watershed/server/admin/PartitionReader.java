package io.watershed.server.admin;

import io.watershed.log.LogSlice;
import io.watershed.log.OffsetOutOfRangeException;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads records of one partition for the API: from an offset, whole batches at a time (decompressed
 * by the log's format code), skipping control batches, until enough records or bytes are read.
 */
final class PartitionReader {
  /** Bytes read from the log per step. */
  private static final int READ_BYTES = 1 << 20;

  private PartitionReader() {}

  /**
   * What a read found.
   *
   * @param from where the read started (the offset asked for, raised to the log start)
   * @param next the offset to read from next time
   */
  record Result(List<Record> records, long from, long next, long bytes) {}

  /**
   * Up to {@code maxRecords} records from {@code offset} (clamped to the log's range), stopping
   * after {@code maxBytes} bytes of batches.
   */
  static Result read(PartitionLog log, long offset, int maxRecords, long maxBytes) {
    long start = log.logStartOffset();
    long end = log.logEndOffset();
    long from = Math.min(Math.max(offset, start), end);
    long at = from;
    long bytes = 0;
    List<Record> out = new ArrayList<>();
    while (out.size() < maxRecords && at < end && bytes < maxBytes) {
      ByteBuffer batches;
      try (LogSlice slice = log.read(at, READ_BYTES)) {
        if (slice.isEmpty()) {
          break;
        }
        batches = slice.readWholeBatches();
      } catch (OffsetOutOfRangeException e) {
        // Retention removed what we were about to read: go on from the new start.
        at = Math.max(at, log.logStartOffset());
        continue;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!batches.hasRemaining()) {
        break;
      }
      bytes += batches.remaining();
      int pos = batches.position();
      while (pos < batches.limit() && out.size() < maxRecords) {
        int size = RecordBatchLayout.sizeInBytes(batches, pos);
        long last = RecordBatchLayout.lastOffset(batches, pos);
        if (!RecordBatchLayout.isControl(batches, pos)) {
          for (Record r : RecordLayout.readRecords(batches, pos)) {
            if (r.offset() >= at && out.size() < maxRecords) {
              out.add(r);
            }
          }
        }
        long next = out.size() < maxRecords ? last + 1 : out.get(out.size() - 1).offset() + 1;
        at = Math.max(at, next);
        pos += size;
      }
    }
    return new Result(out, from, at, bytes);
  }
}
