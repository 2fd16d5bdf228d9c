package io.watershed.core.metadata;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The snapshot file format: one {@link MetadataImage}, checked by a CRC before it is trusted.
 *
 * <p>Layout, big-endian:
 *
 * <pre>
 * offset  width  meaning
 *      0      4  magic 0x57534D53 ("WSMS")
 *      4      4  CRC32C of bytes 8 to the end of the file
 *      8      4  format version, 1
 *     12      8  last applied index of the image; equals the index in the file name
 *     20      4  body length N; the file is 24+N bytes long
 *     24      N  body: UTF-8 JSON {"topics":[...]}, one object per topic with the
 *                components of TopicMetadata, sorted by name
 * </pre>
 *
 * <p>The body is JSON so that an operator can read a snapshot with {@code tail -c +25 FILE}. A
 * future image part (consumer groups, cursors) becomes another property of the body and bumps the
 * version.
 *
 * <p>Thread-safe.
 */
final class MetadataSnapshot {

  static final int MAGIC = 0x57534D53;
  static final int FORMAT_VERSION = 1;
  static final int MAGIC_OFFSET = 0;
  static final int CRC_OFFSET = 4;
  static final int VERSION_OFFSET = 8;
  static final int INDEX_OFFSET = 12;
  static final int LENGTH_OFFSET = 20;
  static final int HEADER_SIZE = 24;

  /** The JSON body. Its component names are part of the format. */
  private record Body(List<TopicMetadata> topics) {}

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

  private MetadataSnapshot() {}

  /** Returns the whole snapshot file for {@code image}. */
  static ByteBuffer encode(MetadataImage image) {
    byte[] body;
    try {
      body = MAPPER.writeValueAsBytes(new Body(List.copyOf(image.topics().byName().values())));
    } catch (IOException e) {
      // The image holds only strings, numbers and UUIDs: always serialisable.
      throw new UncheckedIOException("cannot serialise the metadata image", e);
    }
    ByteBuffer file = ByteBuffer.allocate(HEADER_SIZE + body.length);
    file.putInt(MAGIC_OFFSET, MAGIC);
    file.putInt(VERSION_OFFSET, FORMAT_VERSION);
    file.putLong(INDEX_OFFSET, image.lastAppliedIndex());
    file.putInt(LENGTH_OFFSET, body.length);
    file.put(HEADER_SIZE, body);
    file.putInt(CRC_OFFSET, crc(file.array()));
    return file;
  }

  /**
   * Parses and checks a snapshot file's bytes.
   *
   * @param source names the file in error messages
   * @throws CorruptMetadataException if any check fails
   */
  static MetadataImage decode(byte[] file, String source) throws CorruptMetadataException {
    if (file.length < HEADER_SIZE) {
      throw new CorruptMetadataException(
          source + ": " + file.length + " bytes, shorter than a snapshot header");
    }
    ByteBuffer header = ByteBuffer.wrap(file);
    if (header.getInt(MAGIC_OFFSET) != MAGIC) {
      throw new CorruptMetadataException(source + ": bad magic, not a metadata snapshot");
    }
    if (header.getInt(CRC_OFFSET) != crc(file)) {
      throw new CorruptMetadataException(source + ": CRC32C mismatch");
    }
    int version = header.getInt(VERSION_OFFSET);
    if (version != FORMAT_VERSION) {
      throw new CorruptMetadataException(
          source + ": format version " + version + " is not supported");
    }
    long index = header.getLong(INDEX_OFFSET);
    int length = header.getInt(LENGTH_OFFSET);
    if (length != file.length - HEADER_SIZE) {
      throw new CorruptMetadataException(
          source + ": body length " + length + " disagrees with the file size " + file.length);
    }
    try {
      Body body = MAPPER.readValue(file, HEADER_SIZE, length, Body.class);
      return new MetadataImage(index, TopicsImage.of(body.topics()));
    } catch (IOException | RuntimeException e) {
      throw new CorruptMetadataException(source + ": unreadable body: " + e.getMessage(), e);
    }
  }

  private static int crc(byte[] file) {
    CRC32C crc = new CRC32C();
    crc.update(file, VERSION_OFFSET, file.length - VERSION_OFFSET);
    return (int) crc.getValue();
  }
}
