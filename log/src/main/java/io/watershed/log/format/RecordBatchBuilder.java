package io.watershed.log.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one v2 record batch. Front doors use it to encode their messages into the log's format;
 * the cleaner uses it to re-encode the records that survive compaction, keeping their offsets.
 *
 * <p>Not thread-safe; one builder makes one batch.
 */
public final class RecordBatchBuilder {
  private record Pending(
      long offset, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {}

  private final CompressionType compression;
  private final List<Pending> records = new ArrayList<>();
  private long baseOffset;
  private boolean baseOffsetFixed;
  private long producerId = RecordBatchLayout.NO_PRODUCER_ID;
  private short producerEpoch = RecordBatchLayout.NO_PRODUCER_EPOCH;
  private int baseSequence = RecordBatchLayout.NO_SEQUENCE;
  private int partitionLeaderEpoch = -1;
  private boolean logAppendTime;
  private boolean transactional;
  private boolean control;
  private long deleteHorizonMs = RecordBatchLayout.NO_TIMESTAMP;
  private int lastOffsetDeltaOverride = -1;

  private RecordBatchBuilder(CompressionType compression) {
    this.compression = compression;
  }

  public static RecordBatchBuilder create(CompressionType compression) {
    return new RecordBatchBuilder(compression);
  }

  /** The base offset to write; records appended with {@link #append} follow it contiguously. */
  public RecordBatchBuilder baseOffset(long baseOffset) {
    this.baseOffset = baseOffset;
    this.baseOffsetFixed = true;
    return this;
  }

  public RecordBatchBuilder producer(long producerId, short producerEpoch, int baseSequence) {
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
    return this;
  }

  public RecordBatchBuilder partitionLeaderEpoch(int epoch) {
    this.partitionLeaderEpoch = epoch;
    return this;
  }

  public RecordBatchBuilder logAppendTime(boolean logAppendTime) {
    this.logAppendTime = logAppendTime;
    return this;
  }

  public RecordBatchBuilder transactional(boolean transactional) {
    this.transactional = transactional;
    return this;
  }

  public RecordBatchBuilder control(boolean control) {
    this.control = control;
    return this;
  }

  /** Marks the batch with a delete horizon: tombstones in it may be removed after that time. */
  public RecordBatchBuilder deleteHorizonMs(long deleteHorizonMs) {
    this.deleteHorizonMs = deleteHorizonMs;
    return this;
  }

  /**
   * Keeps the batch's span at {@code baseOffset + delta} even when its last records were removed,
   * as the cleaner does so that the batch still accounts for the offsets it covered.
   */
  public RecordBatchBuilder lastOffsetDelta(int delta) {
    this.lastOffsetDeltaOverride = delta;
    return this;
  }

  /** Appends a record at the next offset (base offset + number of records so far). */
  public RecordBatchBuilder append(long timestamp, byte[] key, byte[] value, List<Header> headers) {
    return append(timestamp, wrap(key), wrap(value), headers);
  }

  public RecordBatchBuilder append(
      long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
    long offset = records.isEmpty() ? baseOffset : records.getLast().offset + 1;
    records.add(new Pending(offset, timestamp, key, value, List.copyOf(headers)));
    return this;
  }

  /** Appends a record at an explicit offset, which must be larger than the previous one. */
  public RecordBatchBuilder appendWithOffset(
      long offset, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
    if (records.isEmpty() && !baseOffsetFixed) {
      baseOffset = offset;
      baseOffsetFixed = true;
    }
    if (offset < baseOffset || (!records.isEmpty() && offset <= records.getLast().offset)) {
      throw new IllegalArgumentException("offsets must increase: " + offset);
    }
    records.add(new Pending(offset, timestamp, key, value, List.copyOf(headers)));
    return this;
  }

  public int recordCount() {
    return records.size();
  }

  /** Encodes the batch, CRC included, into a new heap buffer positioned at 0. */
  public ByteBuffer build() {
    long baseTimestamp =
        deleteHorizonMs != RecordBatchLayout.NO_TIMESTAMP
            ? deleteHorizonMs
            : records.isEmpty() ? RecordBatchLayout.NO_TIMESTAMP : records.getFirst().timestamp;
    long maxTimestamp = RecordBatchLayout.NO_TIMESTAMP;
    int uncompressedSize = 0;
    for (Pending p : records) {
      maxTimestamp = Math.max(maxTimestamp, p.timestamp);
      uncompressedSize +=
          RecordLayout.sizeOf(delta(p), p.timestamp - baseTimestamp, p.key, p.value, p.headers);
    }
    ByteBuffer body = ByteBuffer.allocate(uncompressedSize);
    for (Pending p : records) {
      RecordLayout.write(body, delta(p), p.timestamp - baseTimestamp, p.key, p.value, p.headers);
    }
    body.flip();
    ByteBuffer recordsSection = compress(body);

    int size = RecordBatchLayout.HEADER_SIZE + recordsSection.remaining();
    ByteBuffer out = ByteBuffer.allocate(size);
    int lastOffsetDelta =
        lastOffsetDeltaOverride >= 0
            ? lastOffsetDeltaOverride
            : records.isEmpty() ? 0 : delta(records.getLast());
    int attributes = compression.id();
    if (logAppendTime) {
      attributes |= RecordBatchLayout.TIMESTAMP_TYPE_LOG_APPEND;
    }
    if (transactional) {
      attributes |= RecordBatchLayout.TRANSACTIONAL_FLAG;
    }
    if (control) {
      attributes |= RecordBatchLayout.CONTROL_FLAG;
    }
    if (deleteHorizonMs != RecordBatchLayout.NO_TIMESTAMP) {
      attributes |= RecordBatchLayout.DELETE_HORIZON_FLAG;
    }
    out.putLong(RecordBatchLayout.BASE_OFFSET, baseOffset);
    out.putInt(RecordBatchLayout.BATCH_LENGTH, size - RecordBatchLayout.LOG_OVERHEAD);
    out.putInt(RecordBatchLayout.PARTITION_LEADER_EPOCH, partitionLeaderEpoch);
    out.put(RecordBatchLayout.MAGIC, RecordBatchLayout.CURRENT_MAGIC);
    out.putShort(RecordBatchLayout.ATTRIBUTES, (short) attributes);
    out.putInt(RecordBatchLayout.LAST_OFFSET_DELTA, lastOffsetDelta);
    out.putLong(RecordBatchLayout.BASE_TIMESTAMP, baseTimestamp);
    out.putLong(RecordBatchLayout.MAX_TIMESTAMP, maxTimestamp);
    out.putLong(RecordBatchLayout.PRODUCER_ID, producerId);
    out.putShort(RecordBatchLayout.PRODUCER_EPOCH, producerEpoch);
    out.putInt(RecordBatchLayout.BASE_SEQUENCE, baseSequence);
    out.putInt(RecordBatchLayout.RECORD_COUNT, records.size());
    out.put(
        RecordBatchLayout.RECORDS,
        recordsSection,
        recordsSection.position(),
        recordsSection.remaining());
    RecordBatchLayout.writeCrc(out, 0);
    return out.position(0);
  }

  private int delta(Pending p) {
    return Math.toIntExact(p.offset - baseOffset);
  }

  private ByteBuffer compress(ByteBuffer body) {
    if (compression == CompressionType.NONE) {
      return body;
    }
    ByteArrayOutputStream sink = new ByteArrayOutputStream(Math.max(64, body.remaining() / 2));
    try (OutputStream out = compression.compressing(sink)) {
      out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteBuffer.wrap(sink.toByteArray());
  }

  private static ByteBuffer wrap(byte[] b) {
    return b == null ? null : ByteBuffer.wrap(b);
  }
}
