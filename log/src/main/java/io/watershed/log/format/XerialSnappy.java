package io.watershed.log.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xerial.snappy.Snappy;

/**
 * Decodes snappy as Kafka clients write it — snappy-java's stream framing — checking every length
 * against what the input holds and what the output may take before anything is allocated
 * (snappy-java's own stream allocates whatever a chunk header claims, up to 512 MiB, so a 150-byte
 * batch could exhaust the heap). Input without the framing's magic is one raw snappy block, as
 * snappy-java reads it too.
 *
 * <pre>
 * | offset | width | field                                                        |
 * |--------|-------|--------------------------------------------------------------|
 * |      0 |     8 | magic 0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00                      |
 * |      8 |     4 | version (1)                                                  |
 * |     12 |     4 | minimum compatible version (1)                               |
 * |     16 |     … | chunks: a 4-byte big-endian length, then that many bytes of  |
 * |        |       | one raw snappy block (its uncompressed length is its header) |
 * </pre>
 */
final class XerialSnappy {
  private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
  private static final int HEADER_SIZE = 16;

  private XerialSnappy() {}

  /**
   * The decompressed bytes of {@code in}'s remaining bytes.
   *
   * @throws CorruptBatchException when a length runs past the input, the output would exceed {@code
   *     maxBytes}, or a block does not decode
   */
  static ByteBuffer decompress(ByteBuffer in, int maxBytes) throws IOException {
    byte[] input = new byte[in.remaining()];
    in.duplicate().get(input);
    if (!hasMagic(input)) {
      return ByteBuffer.wrap(block(input, 0, input.length, maxBytes));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, input.length * 4));
    ByteBuffer b = ByteBuffer.wrap(input);
    int at = HEADER_SIZE;
    while (at < input.length) {
      if (input.length - at < Integer.BYTES) {
        throw new CorruptBatchException("snappy chunk header cut short at byte " + at);
      }
      int length = b.getInt(at);
      at += Integer.BYTES;
      if (length < 0 || length > input.length - at) {
        throw new CorruptBatchException(
            "snappy chunk of " + length + " bytes with " + (input.length - at) + " left");
      }
      out.write(block(input, at, length, maxBytes - out.size()));
      at += length;
    }
    return ByteBuffer.wrap(out.toByteArray());
  }

  private static boolean hasMagic(byte[] input) {
    if (input.length < HEADER_SIZE) {
      return false;
    }
    for (int i = 0; i < MAGIC.length; i++) {
      if (input[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** One raw snappy block, refused when its stated length exceeds {@code room}. */
  private static byte[] block(byte[] input, int at, int length, int room) throws IOException {
    int decoded = Snappy.uncompressedLength(input, at, length);
    if (decoded < 0 || decoded > room) {
      throw new CorruptBatchException(
          "snappy block claims " + decoded + " bytes, more than the " + room + " allowed");
    }
    byte[] out = new byte[decoded];
    int n = Snappy.uncompress(input, at, length, out, 0);
    if (n != decoded) {
      throw new CorruptBatchException("snappy block decoded to " + n + " of " + decoded + " bytes");
    }
    return out;
  }
}
