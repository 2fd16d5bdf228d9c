package io.watershed.log.format;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One record read out of a batch, with its absolute offset and effective timestamp (the batch's
 * log-append time when the batch is stamped so). Key and value are read-only views of the
 * underlying (possibly decompressed) bytes; {@code null} when absent.
 */
public record Record(
    long offset, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {

  public boolean hasKey() {
    return key != null;
  }

  /** A record whose value is null: in a compacted log, the deletion marker for its key. */
  public boolean isTombstone() {
    return value == null;
  }

  public byte[] keyBytes() {
    return copy(key);
  }

  public byte[] valueBytes() {
    return copy(value);
  }

  private static byte[] copy(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }
}
