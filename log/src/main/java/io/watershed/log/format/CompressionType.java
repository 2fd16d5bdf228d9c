package io.watershed.log.format;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.SnappyOutputStream;

/**
 * The compression codecs a batch may use, by their id in bits 0-2 of the batch attributes. The
 * stream framings are those Kafka clients write: gzip (RFC 1952), snappy in the xerial snappy-java
 * framing, LZ4 frame format, and zstd frames.
 */
public enum CompressionType {
  NONE(0, "none"),
  GZIP(1, "gzip"),
  SNAPPY(2, "snappy"),
  LZ4(3, "lz4"),
  ZSTD(4, "zstd");

  private final int id;
  private final String configName;

  CompressionType(int id, String configName) {
    this.id = id;
    this.configName = configName;
  }

  public int id() {
    return id;
  }

  /** The name used in configuration ({@code compression.type}). */
  public String configName() {
    return configName;
  }

  /**
   * @throws CorruptBatchException for an id no codec has
   */
  public static CompressionType forId(int id) {
    return switch (id) {
      case 0 -> NONE;
      case 1 -> GZIP;
      case 2 -> SNAPPY;
      case 3 -> LZ4;
      case 4 -> ZSTD;
      default -> throw new CorruptBatchException("unknown compression codec id " + id);
    };
  }

  /**
   * The uncompressed bytes of {@code compressed}'s remaining bytes (a batch's records section),
   * refused as corrupt when they would exceed {@code maxBytes}: a few hundred compressed bytes can
   * claim gigabytes, and inflating them would exhaust the heap.
   *
   * @throws CorruptBatchException when the output would exceed {@code maxBytes}
   * @throws IOException when the bytes do not decode
   */
  public ByteBuffer decompress(ByteBuffer compressed, int maxBytes) throws IOException {
    if (this == NONE) {
      return compressed;
    }
    if (this == SNAPPY) {
      return XerialSnappy.decompress(compressed, maxBytes);
    }
    InputStream raw = new RecordLayout.ByteBufferInputStream(compressed.duplicate());
    try (InputStream in =
        switch (this) {
          case GZIP -> new GZIPInputStream(raw, 8 * 1024);
          case LZ4 -> new LZ4FrameInputStream(raw);
          default -> new ZstdInputStream(raw);
        }) {
      ByteArrayOutputStream out =
          new ByteArrayOutputStream(Math.min(maxBytes, Math.max(64, compressed.remaining() * 4)));
      byte[] chunk = new byte[8 * 1024];
      for (int n; (n = in.read(chunk)) >= 0; ) {
        if (n > maxBytes - out.size()) {
          throw new CorruptBatchException(
              configName + " batch decompresses to more than " + maxBytes + " bytes");
        }
        out.write(chunk, 0, n);
      }
      return ByteBuffer.wrap(out.toByteArray());
    }
  }

  /** Wraps {@code out} so that bytes written to it are compressed; close it to finish. */
  public OutputStream compressing(OutputStream out) throws IOException {
    return switch (this) {
      case NONE -> out;
      case GZIP -> new GZIPOutputStream(out, 8 * 1024);
      case SNAPPY -> new SnappyOutputStream(out);
      case LZ4 -> new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB);
      case ZSTD -> new ZstdOutputStream(out);
    };
  }
}
