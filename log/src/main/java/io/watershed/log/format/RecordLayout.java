package io.watershed.log.format;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The layout of one record inside a v2 batch's records section (after decompression).
 *
 * <pre>
 * | field          | encoding | meaning                                                 |
 * |----------------|----------|---------------------------------------------------------|
 * | length         | varint   | bytes of the record after this field                    |
 * | attributes     | int8     | unused, 0                                               |
 * | timestampDelta | varlong  | timestamp minus the batch's baseTimestamp               |
 * | offsetDelta    | varint   | offset minus the batch's baseOffset                     |
 * | keyLength      | varint   | -1 for a null key                                       |
 * | key            | bytes    |                                                         |
 * | valueLength    | varint   | -1 for a null value (a tombstone)                       |
 * | value          | bytes    |                                                         |
 * | headerCount    | varint   |                                                         |
 * | headers        | repeated | keyLength varint, key UTF-8, valueLength varint, value  |
 * </pre>
 */
public final class RecordLayout {
  /**
   * Most bytes a batch's records may take once decompressed. A batch beyond it is refused as
   * corrupt (clients batch up to max.message.bytes, 1 MiB by default, of compressed records; 64 MiB
   * leaves room for highly compressible data) rather than inflated without bound.
   */
  public static final int MAX_RECORDS_SECTION_BYTES = 64 << 20;

  private RecordLayout() {}

  /**
   * Returns the records section of the batch at {@code at}, decompressed when needed, as a buffer
   * positioned at the first record.
   *
   * @throws CorruptBatchException when the compressed bytes cannot be decoded
   */
  public static ByteBuffer recordsSection(ByteBuffer batch, int at) {
    int size = RecordBatchLayout.sizeInBytes(batch, at);
    ByteBuffer raw =
        batch.duplicate().limit(at + size).position(at + RecordBatchLayout.RECORDS).slice();
    CompressionType compression = RecordBatchLayout.compression(batch, at);
    if (compression == CompressionType.NONE) {
      return raw;
    }
    try {
      return compression.decompress(raw, MAX_RECORDS_SECTION_BYTES);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CorruptBatchException c) {
        throw c;
      }
      throw new CorruptBatchException(
          "cannot decompress " + compression.configName() + " batch: " + e.getMessage(), e);
    }
  }

  /**
   * Reads every record of the batch at {@code at}, checking that the record count and offset deltas
   * match the header. Timestamps are effective ones: the batch's max timestamp when the batch is
   * log-append-time stamped.
   *
   * @throws CorruptBatchException when the records do not parse or disagree with the header
   */
  public static List<Record> readRecords(ByteBuffer batch, int at) {
    List<Record> out = new ArrayList<>(Math.max(0, RecordBatchLayout.recordCount(batch, at)));
    forEachRecord(batch, at, out::add);
    return out;
  }

  /** A callback for {@link #forEachRecord}. */
  @FunctionalInterface
  public interface RecordConsumer {
    void accept(Record record);
  }

  /**
   * Parses every record of the batch at {@code at} and hands it to {@code consumer}, validating as
   * {@link #readRecords} does.
   */
  public static void forEachRecord(ByteBuffer batch, int at, RecordConsumer consumer) {
    long baseOffset = RecordBatchLayout.baseOffset(batch, at);
    long baseTimestamp = RecordBatchLayout.baseTimestamp(batch, at);
    boolean logAppendTime = RecordBatchLayout.isLogAppendTime(batch, at);
    long maxTimestamp = RecordBatchLayout.maxTimestamp(batch, at);
    int count = RecordBatchLayout.recordCount(batch, at);
    if (count < 0) {
      throw new CorruptBatchException("negative record count " + count);
    }
    ByteBuffer records = recordsSection(batch, at);
    try {
      for (int i = 0; i < count; i++) {
        int length = Varints.readVarint(records);
        if (length < 0 || length > records.remaining()) {
          throw new CorruptBatchException("record " + i + " length " + length + " out of bounds");
        }
        int end = records.position() + length;
        ByteBuffer r = records.duplicate().limit(end);
        r.get(); // attributes, unused
        long timestampDelta = Varints.readVarlong(r);
        int offsetDelta = Varints.readVarint(r);
        ByteBuffer key = readBytes(r);
        ByteBuffer value = readBytes(r);
        int headerCount = Varints.readVarint(r);
        if (headerCount < 0) {
          throw new CorruptBatchException("negative header count in record " + i);
        }
        List<Header> headers = headerCount == 0 ? List.of() : new ArrayList<>(headerCount);
        for (int h = 0; h < headerCount; h++) {
          ByteBuffer hk = readBytes(r);
          if (hk == null) {
            throw new CorruptBatchException("null header key in record " + i);
          }
          ByteBuffer hv = readBytes(r);
          headers.add(new Header(utf8(hk), toArray(hv)));
        }
        if (r.hasRemaining()) {
          throw new CorruptBatchException("record " + i + " has " + r.remaining() + " extra bytes");
        }
        records.position(end);
        long timestamp = logAppendTime ? maxTimestamp : baseTimestamp + timestampDelta;
        consumer.accept(new Record(baseOffset + offsetDelta, timestamp, key, value, headers));
      }
    } catch (java.nio.BufferUnderflowException | IndexOutOfBoundsException e) {
      throw new CorruptBatchException("records section ends inside a record", e);
    }
    if (records.hasRemaining()) {
      throw new CorruptBatchException(
          records.remaining() + " bytes after the last of " + count + " records");
    }
  }

  /**
   * The UTF-8 text of the bytes between {@code b}'s position and limit (not moving them). For the
   * heap buffers records are read into this takes the JDK's fast path, which a {@code
   * CharsetDecoder} does not.
   */
  public static String utf8(ByteBuffer b) {
    if (b.hasArray()) {
      return new String(
          b.array(), b.arrayOffset() + b.position(), b.remaining(), StandardCharsets.UTF_8);
    }
    byte[] copy = new byte[b.remaining()];
    b.duplicate().get(copy);
    return new String(copy, StandardCharsets.UTF_8);
  }

  private static ByteBuffer readBytes(ByteBuffer r) {
    int length = Varints.readVarint(r);
    if (length < 0) {
      return null;
    }
    if (length > r.remaining()) {
      throw new CorruptBatchException("field length " + length + " exceeds record");
    }
    ByteBuffer field = r.slice(r.position(), length).asReadOnlyBuffer();
    r.position(r.position() + length);
    return field;
  }

  private static byte[] toArray(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  /** Encoded size of a record, the leading length varint included. */
  public static int sizeOf(
      int offsetDelta, long timestampDelta, ByteBuffer key, ByteBuffer value, List<Header> hs) {
    int body = bodySize(offsetDelta, timestampDelta, key, value, hs);
    return Varints.sizeOfVarint(body) + body;
  }

  private static int bodySize(
      int offsetDelta, long timestampDelta, ByteBuffer key, ByteBuffer value, List<Header> hs) {
    int size = 1 + Varints.sizeOfVarlong(timestampDelta) + Varints.sizeOfVarint(offsetDelta);
    size += bytesSize(key == null ? -1 : key.remaining());
    size += bytesSize(value == null ? -1 : value.remaining());
    size += Varints.sizeOfVarint(hs.size());
    for (Header h : hs) {
      size += bytesSize(h.key().getBytes(StandardCharsets.UTF_8).length);
      size += bytesSize(h.value() == null ? -1 : h.value().length);
    }
    return size;
  }

  private static int bytesSize(int length) {
    return length < 0 ? Varints.sizeOfVarint(-1) : Varints.sizeOfVarint(length) + length;
  }

  /** Writes one record at {@code out}'s position. */
  public static void write(
      ByteBuffer out,
      int offsetDelta,
      long timestampDelta,
      ByteBuffer key,
      ByteBuffer value,
      List<Header> headers) {
    Varints.writeVarint(bodySize(offsetDelta, timestampDelta, key, value, headers), out);
    out.put((byte) 0);
    Varints.writeVarlong(timestampDelta, out);
    Varints.writeVarint(offsetDelta, out);
    writeBytes(out, key);
    writeBytes(out, value);
    Varints.writeVarint(headers.size(), out);
    for (Header h : headers) {
      writeBytes(out, ByteBuffer.wrap(h.key().getBytes(StandardCharsets.UTF_8)));
      writeBytes(out, h.value() == null ? null : ByteBuffer.wrap(h.value()));
    }
  }

  private static void writeBytes(ByteBuffer out, ByteBuffer b) {
    if (b == null) {
      Varints.writeVarint(-1, out);
    } else {
      Varints.writeVarint(b.remaining(), out);
      out.put(b.duplicate());
    }
  }

  /** Reads a ByteBuffer's remaining bytes as a stream, without copying them first. */
  static final class ByteBufferInputStream extends InputStream {
    private final ByteBuffer buf;

    ByteBufferInputStream(ByteBuffer buf) {
      this.buf = buf;
    }

    @Override
    public int read() {
      return buf.hasRemaining() ? buf.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (!buf.hasRemaining()) {
        return -1;
      }
      int n = Math.min(len, buf.remaining());
      buf.get(b, off, n);
      return n;
    }

    @Override
    public int available() {
      return buf.remaining();
    }
  }
}
