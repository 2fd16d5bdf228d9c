package io.watershed.log.format;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.SnappyInputStream;
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

  /** Wraps {@code in} so that reading it yields the uncompressed bytes. */
  public InputStream decompressing(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, 8 * 1024);
      case SNAPPY -> new SnappyInputStream(in);
      case LZ4 -> new LZ4FrameInputStream(in);
      case ZSTD -> new ZstdInputStream(in);
    };
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
