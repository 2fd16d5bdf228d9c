package io.watershed.log.format;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk and on-wire layout of one record batch: Kafka RecordBatch v2 (magic 2). All
 * multi-byte fields are big-endian.
 *
 * <pre>
 * | offset | width | field                | meaning                                                      |
 * |--------|-------|----------------------|--------------------------------------------------------------|
 * |      0 |     8 | baseOffset           | offset of the first record; assigned by the log on append    |
 * |      8 |     4 | batchLength          | bytes after this field (total size = batchLength + 12)       |
 * |     12 |     4 | partitionLeaderEpoch | replication epoch; not covered by the CRC                    |
 * |     16 |     1 | magic                | always 2                                                     |
 * |     17 |     4 | crc                  | CRC32C of bytes [21, end of batch)                           |
 * |     21 |     2 | attributes           | bits 0-2 compression, 3 timestamp type, 4 transactional,     |
 * |        |       |                      | 5 control, 6 has delete horizon                              |
 * |     23 |     4 | lastOffsetDelta      | last record's offset minus baseOffset                        |
 * |     27 |     8 | baseTimestamp        | first timestamp (the delete horizon when bit 6 is set)      |
 * |     35 |     8 | maxTimestamp         | largest record timestamp, or the log-append time             |
 * |     43 |     8 | producerId           | -1 when the producer is not idempotent                       |
 * |     51 |     2 | producerEpoch        |                                                              |
 * |     53 |     4 | baseSequence         | sequence of the first record, -1 when none                   |
 * |     57 |     4 | recordCount          | number of records that follow                                |
 * |     61 |     … | records              | possibly compressed, see {@link RecordLayout}                |
 * </pre>
 *
 * <p>Because the CRC starts at {@code attributes}, the log can assign {@code baseOffset} and {@code
 * partitionLeaderEpoch} without recomputing it.
 */
public final class RecordBatchLayout {
  public static final int BASE_OFFSET = 0;
  public static final int BATCH_LENGTH = 8;
  public static final int PARTITION_LEADER_EPOCH = 12;
  public static final int MAGIC = 16;
  public static final int CRC = 17;
  public static final int ATTRIBUTES = 21;
  public static final int LAST_OFFSET_DELTA = 23;
  public static final int BASE_TIMESTAMP = 27;
  public static final int MAX_TIMESTAMP = 35;
  public static final int PRODUCER_ID = 43;
  public static final int PRODUCER_EPOCH = 51;
  public static final int BASE_SEQUENCE = 53;
  public static final int RECORD_COUNT = 57;
  public static final int RECORDS = 61;

  /** Size of the header, which is also the size of a batch holding no records. */
  public static final int HEADER_SIZE = RECORDS;

  /** Bytes before and including {@code batchLength}: a batch occupies {@code batchLength + 12}. */
  public static final int LOG_OVERHEAD = 12;

  public static final byte CURRENT_MAGIC = 2;

  public static final int COMPRESSION_MASK = 0x07;
  public static final int TIMESTAMP_TYPE_LOG_APPEND = 0x08;
  public static final int TRANSACTIONAL_FLAG = 0x10;
  public static final int CONTROL_FLAG = 0x20;
  public static final int DELETE_HORIZON_FLAG = 0x40;

  public static final long NO_PRODUCER_ID = -1L;
  public static final short NO_PRODUCER_EPOCH = -1;
  public static final int NO_SEQUENCE = -1;
  public static final long NO_TIMESTAMP = -1L;

  private RecordBatchLayout() {}

  public static long baseOffset(ByteBuffer b, int at) {
    return b.getLong(at + BASE_OFFSET);
  }

  public static int batchLength(ByteBuffer b, int at) {
    return b.getInt(at + BATCH_LENGTH);
  }

  /** Total bytes of the batch at {@code at}, header included. */
  public static int sizeInBytes(ByteBuffer b, int at) {
    return batchLength(b, at) + LOG_OVERHEAD;
  }

  public static byte magic(ByteBuffer b, int at) {
    return b.get(at + MAGIC);
  }

  public static int storedCrc(ByteBuffer b, int at) {
    return b.getInt(at + CRC);
  }

  public static short attributes(ByteBuffer b, int at) {
    return b.getShort(at + ATTRIBUTES);
  }

  public static int lastOffsetDelta(ByteBuffer b, int at) {
    return b.getInt(at + LAST_OFFSET_DELTA);
  }

  public static long lastOffset(ByteBuffer b, int at) {
    return baseOffset(b, at) + lastOffsetDelta(b, at);
  }

  public static long baseTimestamp(ByteBuffer b, int at) {
    return b.getLong(at + BASE_TIMESTAMP);
  }

  public static long maxTimestamp(ByteBuffer b, int at) {
    return b.getLong(at + MAX_TIMESTAMP);
  }

  public static long producerId(ByteBuffer b, int at) {
    return b.getLong(at + PRODUCER_ID);
  }

  public static short producerEpoch(ByteBuffer b, int at) {
    return b.getShort(at + PRODUCER_EPOCH);
  }

  public static int baseSequence(ByteBuffer b, int at) {
    return b.getInt(at + BASE_SEQUENCE);
  }

  public static int recordCount(ByteBuffer b, int at) {
    return b.getInt(at + RECORD_COUNT);
  }

  public static CompressionType compression(ByteBuffer b, int at) {
    return CompressionType.forId(attributes(b, at) & COMPRESSION_MASK);
  }

  public static boolean isLogAppendTime(ByteBuffer b, int at) {
    return (attributes(b, at) & TIMESTAMP_TYPE_LOG_APPEND) != 0;
  }

  public static boolean isControl(ByteBuffer b, int at) {
    return (attributes(b, at) & CONTROL_FLAG) != 0;
  }

  public static boolean isTransactional(ByteBuffer b, int at) {
    return (attributes(b, at) & TRANSACTIONAL_FLAG) != 0;
  }

  public static boolean hasDeleteHorizon(ByteBuffer b, int at) {
    return (attributes(b, at) & DELETE_HORIZON_FLAG) != 0;
  }

  /** CRC32C over {@code [attributes, end)} of the batch at {@code at} of {@code size} bytes. */
  public static int computeCrc(ByteBuffer b, int at, int size) {
    CRC32C crc = new CRC32C();
    crc.update(b.duplicate().limit(at + size).position(at + ATTRIBUTES));
    return (int) crc.getValue();
  }

  /** Recomputes and stores the CRC of the batch at {@code at}, after its covered bytes changed. */
  public static void writeCrc(ByteBuffer b, int at) {
    b.putInt(at + CRC, computeCrc(b, at, sizeInBytes(b, at)));
  }

  /**
   * Marks the batch as log-append-time stamped with {@code now} and recomputes its CRC. Per the
   * format, record timestamps are then ignored and every record reads as {@code now}.
   */
  public static void stampLogAppendTime(ByteBuffer b, int at, long now) {
    short attributes = attributes(b, at);
    b.putShort(at + ATTRIBUTES, (short) (attributes | TIMESTAMP_TYPE_LOG_APPEND));
    b.putLong(at + MAX_TIMESTAMP, now);
    writeCrc(b, at);
  }
}
