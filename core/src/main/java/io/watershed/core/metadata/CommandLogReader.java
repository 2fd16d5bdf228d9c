package io.watershed.core.metadata;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads one command-log file front to back, checking every entry (layout in {@link MetadataLog}),
 * and stops at the end or at the first entry that is torn or damaged.
 *
 * <p>Not thread-safe; one reader per file read.
 */
final class CommandLogReader {

  /** Receives each intact entry, in index order. */
  @FunctionalInterface
  interface EntryHandler {
    void accept(long index, byte[] payload) throws IOException;
  }

  /**
   * What reading a file found.
   *
   * @param validBytes the length of the intact prefix: the header and every intact entry
   * @param nextIndex the index after the last intact entry ({@code firstIndex} if none)
   * @param damage null if the file ends cleanly after {@code validBytes}; otherwise what is wrong
   *     with the bytes at {@code validBytes}
   */
  record Scan(long validBytes, long nextIndex, String damage) {
    boolean isClean() {
      return damage == null;
    }
  }

  private static final int BUFFER_SIZE = 64 * 1024;

  private CommandLogReader() {}

  /**
   * Reads {@code file}, passing each intact entry to {@code handler}.
   *
   * @throws CorruptMetadataException if the header is wrong, or if an intact entry (correct CRC)
   *     has an index other than the one after its predecessor: a gap or a repeat is not what a
   *     crash leaves behind, so it is never truncated away
   */
  static Scan read(CommandLogFile file, EntryHandler handler) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file.path()), BUFFER_SIZE)) {
      checkHeader(file, in);
      long position = MetadataLog.FILE_HEADER_SIZE;
      long expectedIndex = file.firstIndex();
      byte[] frame = new byte[MetadataLog.ENTRY_HEADER_SIZE];
      CRC32C crc = new CRC32C();
      while (true) {
        int frameBytes = in.readNBytes(frame, 0, frame.length);
        if (frameBytes == 0) {
          return new Scan(position, expectedIndex, null);
        }
        if (frameBytes < frame.length) {
          return damaged(position, expectedIndex, "torn entry header (" + frameBytes + " bytes)");
        }
        ByteBuffer header = ByteBuffer.wrap(frame);
        int length = header.getInt(MetadataLog.LENGTH_OFFSET);
        int storedCrc = header.getInt(MetadataLog.CRC_OFFSET);
        long index = header.getLong(MetadataLog.INDEX_OFFSET);
        if (length < 1 || length > MetadataLog.MAX_PAYLOAD_BYTES) {
          return damaged(position, expectedIndex, "impossible payload length " + length);
        }
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
          return damaged(
              position,
              expectedIndex,
              "torn entry: " + payload.length + " of " + length + " payload bytes present");
        }
        crc.reset();
        crc.update(frame, MetadataLog.INDEX_OFFSET, Long.BYTES);
        crc.update(payload);
        if ((int) crc.getValue() != storedCrc) {
          return damaged(position, expectedIndex, "CRC32C mismatch");
        }
        if (index != expectedIndex) {
          throw new CorruptMetadataException(
              file.path()
                  + ": the entry at byte "
                  + position
                  + " has index "
                  + index
                  + " but "
                  + expectedIndex
                  + " was expected; command log indexes must be contiguous");
        }
        handler.accept(index, payload);
        position += MetadataLog.ENTRY_HEADER_SIZE + length;
        expectedIndex++;
      }
    }
  }

  /**
   * Whether an intact entry — a plausible length and a CRC32C that matches — with an index of at
   * least {@code minIndex} starts anywhere in {@code file} after byte {@code from}. Then the damage
   * at {@code from} is not a torn tail: entries after it were written, and acknowledged, later.
   * Reads the rest of the file; only for recovery.
   */
  static boolean intactEntryAfter(CommandLogFile file, long from, long minIndex)
      throws IOException {
    byte[] rest;
    try (FileChannel ch = FileChannel.open(file.path(), StandardOpenOption.READ)) {
      long size = ch.size() - from;
      if (size <= MetadataLog.ENTRY_HEADER_SIZE) {
        return false;
      }
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, size));
      while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
        // read on
      }
      rest = buf.array();
    }
    ByteBuffer b = ByteBuffer.wrap(rest);
    CRC32C crc = new CRC32C();
    for (int i = 1; i + MetadataLog.ENTRY_HEADER_SIZE <= rest.length; i++) {
      int length = b.getInt(i + MetadataLog.LENGTH_OFFSET);
      if (length < 1
          || length > MetadataLog.MAX_PAYLOAD_BYTES
          || i + MetadataLog.ENTRY_HEADER_SIZE + (long) length > rest.length
          || b.getLong(i + MetadataLog.INDEX_OFFSET) < minIndex) {
        continue;
      }
      crc.reset();
      crc.update(rest, i + MetadataLog.INDEX_OFFSET, Long.BYTES + length);
      if ((int) crc.getValue() == b.getInt(i + MetadataLog.CRC_OFFSET)) {
        return true;
      }
    }
    return false;
  }

  private static void checkHeader(CommandLogFile file, InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MetadataLog.FILE_HEADER_SIZE);
    if (bytes.length < MetadataLog.FILE_HEADER_SIZE) {
      // Files appear under their final name only after the header is durable, so this is damage.
      throw new CorruptMetadataException(
          file.path() + ": file header is " + bytes.length + " bytes long, not a command log");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes);
    int magic = header.getInt(MetadataLog.MAGIC_OFFSET);
    int version = header.getInt(MetadataLog.VERSION_OFFSET);
    long firstIndex = header.getLong(MetadataLog.FIRST_INDEX_OFFSET);
    if (magic != MetadataLog.MAGIC) {
      throw new CorruptMetadataException(
          file.path() + ": bad magic 0x" + Integer.toHexString(magic) + ", not a command log");
    }
    if (version != MetadataLog.FORMAT_VERSION) {
      throw new CorruptMetadataException(
          file.path()
              + ": format version "
              + version
              + " is not supported (this build reads "
              + MetadataLog.FORMAT_VERSION
              + ")");
    }
    if (firstIndex != file.firstIndex()) {
      throw new CorruptMetadataException(
          file.path() + ": header says first index " + firstIndex + ", the file name disagrees");
    }
  }

  private static Scan damaged(long position, long nextIndex, String damage) {
    return new Scan(position, nextIndex, damage);
  }
}
