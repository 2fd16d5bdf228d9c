package io.watershed.log;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.Header;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchBuilder;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds and decodes batches in tests. */
public final class TestBatches {
  private TestBatches() {}

  /** A batch of records with the given values, no keys, all stamped {@code timestamp}. */
  public static ByteBuffer values(long timestamp, String... values) {
    RecordBatchBuilder b = RecordBatchBuilder.create(CompressionType.NONE);
    for (String v : values) {
      b.append(timestamp, null, bytes(v), List.of());
    }
    return b.build();
  }

  /** A batch of keyed records; a null value is a tombstone. */
  public static ByteBuffer keyed(
      CompressionType c, long timestamp, String[] keys, String[] values) {
    RecordBatchBuilder b = RecordBatchBuilder.create(c);
    for (int i = 0; i < keys.length; i++) {
      b.append(timestamp, bytes(keys[i]), bytes(values[i]), List.<Header>of());
    }
    return b.build();
  }

  public static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  public static String string(ByteBuffer b) {
    return b == null ? null : StandardCharsets.UTF_8.decode(b.duplicate()).toString();
  }

  /** Every record of every whole batch in {@code buf}. */
  public static List<Record> records(ByteBuffer buf) {
    List<Record> out = new ArrayList<>();
    int at = buf.position();
    while (buf.limit() - at >= RecordBatchLayout.HEADER_SIZE) {
      int size = RecordBatchLayout.sizeInBytes(buf, at);
      if (at + size > buf.limit()) {
        break;
      }
      out.addAll(RecordLayout.readRecords(buf.slice(at, size), 0));
      at += size;
    }
    return out;
  }

  /** Reads every record from {@code from} to the log end. */
  public static List<Record> readAll(PartitionLog log, long from) {
    List<Record> out = new ArrayList<>();
    long next = from;
    while (next < log.logEndOffset()) {
      try (LogSlice slice = log.read(next, 64 * 1024)) {
        if (slice.isEmpty()) {
          break;
        }
        for (Record r : records(slice.readWholeBatches())) {
          if (r.offset() >= next) {
            out.add(r);
          }
        }
        ByteBuffer whole = slice.readWholeBatches();
        long last = lastOffsetOf(whole);
        next = last + 1;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** The last offset of the whole batches in {@code whole}. */
  static long lastOffsetOf(ByteBuffer whole) {
    int at = 0;
    long last = -1;
    while (at < whole.limit()) {
      last = RecordBatchLayout.lastOffset(whole, at);
      at += RecordBatchLayout.sizeInBytes(whole, at);
    }
    return last;
  }
}
