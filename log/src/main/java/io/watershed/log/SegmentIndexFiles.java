package io.watershed.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads and writes a sealed segment's index files. Both files share one header; entries differ.
 *
 * <pre>
 * Header (64 bytes, big-endian)
 * | offset | width | field                | meaning                                        |
 * |--------|-------|----------------------|------------------------------------------------|
 * |      0 |     4 | magic                | 0x57534958 ("WSIX")                            |
 * |      4 |     2 | version              | 1                                              |
 * |      6 |     2 | kind                 | 1 = offset index, 2 = time index               |
 * |      8 |     8 | baseOffset           | the segment's base offset                      |
 * |     16 |     4 | segmentBytes         | size of the records file this index describes  |
 * |     20 |     8 | nextOffset           | one past the segment's last offset             |
 * |     28 |     4 | lastBatchPosition    | -1 when the segment is empty                   |
 * |     32 |     4 | lastBatchCrc         | stored CRC of the last batch                   |
 * |     36 |     8 | maxTimestamp         | -1 when none                                   |
 * |     44 |     8 | offsetOfMaxTimestamp | -1 when none                                   |
 * |     52 |     4 | entryCount           |                                                |
 * |     56 |     4 | crc                  | CRC32C of bytes [0, 56) and of all entries     |
 * |     60 |     4 | reserved             | 0                                              |
 *
 * Offset index entry (8 bytes): relativeOffset int32, position int32
 *   — the batch holding baseOffset + relativeOffset starts at position.
 * Time index entry (12 bytes): timestamp int64, relativeOffset int32
 *   — every record before baseOffset + relativeOffset has a timestamp of at most timestamp.
 * </pre>
 *
 * <p>Index files are derived data: written once when a segment is sealed (temp file, rename; no
 * fsync) and rebuilt from the records file whenever they are missing, torn or do not match it.
 */
final class SegmentIndexFiles {
  static final int MAGIC = 0x57534958;
  static final short VERSION = 1;
  static final short KIND_OFFSET = 1;
  static final short KIND_TIME = 2;
  static final int HEADER_SIZE = 64;
  static final int OFFSET_ENTRY_SIZE = 8;
  static final int TIME_ENTRY_SIZE = 12;

  private SegmentIndexFiles() {}

  static void write(Path path, short kind, SegmentSummary s, SparseIndex index) throws IOException {
    int n = index.count();
    int entrySize = kind == KIND_OFFSET ? OFFSET_ENTRY_SIZE : TIME_ENTRY_SIZE;
    ByteBuffer buf = ByteBuffer.allocate(HEADER_SIZE + n * entrySize);
    buf.putInt(0, MAGIC);
    buf.putShort(4, VERSION);
    buf.putShort(6, kind);
    buf.putLong(8, s.baseOffset());
    buf.putInt(16, s.sizeInBytes());
    buf.putLong(20, s.nextOffset());
    buf.putInt(28, s.lastBatchPosition());
    buf.putInt(32, s.lastBatchCrc());
    buf.putLong(36, s.maxTimestamp());
    buf.putLong(44, s.offsetOfMaxTimestamp());
    buf.putInt(52, n);
    buf.position(HEADER_SIZE);
    for (int i = 0; i < n; i++) {
      if (kind == KIND_OFFSET) {
        buf.putInt((int) index.key(i));
        buf.putInt((int) index.value(i));
      } else {
        buf.putLong(index.key(i));
        buf.putInt((int) index.value(i));
      }
    }
    buf.putInt(56, crc(buf));
    buf.flip();
    // Index files are derived data, checked by their CRC and against the records file when read:
    // no fsync, a lost or torn one is rebuilt.
    DurableFiles.writeDerived(path, buf);
  }

  /** A loaded index file: the summary it records and its entries. */
  record Loaded(SegmentSummary summary, SparseIndex index) {}

  /**
   * Reads an index file and checks it against itself (magic, version, kind, length, CRC) and
   * against {@code baseOffset}.
   *
   * @return null when the file is missing or fails a check — the caller rebuilds it
   */
  static Loaded read(Path path, short kind, long baseOffset) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    if (bytes.length < HEADER_SIZE
        || buf.getInt(0) != MAGIC
        || buf.getShort(4) != VERSION
        || buf.getShort(6) != kind
        || buf.getLong(8) != baseOffset) {
      return null;
    }
    int n = buf.getInt(52);
    int entrySize = kind == KIND_OFFSET ? OFFSET_ENTRY_SIZE : TIME_ENTRY_SIZE;
    if (n < 0 || (long) HEADER_SIZE + (long) n * entrySize != bytes.length) {
      return null;
    }
    if (buf.getInt(56) != crc(buf)) {
      return null;
    }
    SegmentSummary summary =
        new SegmentSummary(
            baseOffset,
            buf.getInt(16),
            buf.getLong(20),
            buf.getInt(28),
            buf.getInt(32),
            buf.getLong(36),
            buf.getLong(44));
    SparseIndex index = new SparseIndex(n);
    buf.position(HEADER_SIZE);
    long lastKey = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long key = kind == KIND_OFFSET ? buf.getInt() : buf.getLong();
      long value = buf.getInt();
      if (key < lastKey) {
        return null;
      }
      lastKey = key;
      index.append(key, value);
    }
    return new Loaded(summary, index);
  }

  private static int crc(ByteBuffer buf) {
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, 56);
    crc.update(buf.array(), HEADER_SIZE, buf.capacity() - HEADER_SIZE);
    return (int) crc.getValue();
  }
}
