package io.watershed.fuzz.oracle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A 64-bit digest (FNV-1a) of a record's key, value and headers, so that acknowledged records can
 * be remembered cheaply and compared with what is read back. A null key or value digests apart from
 * an empty one.
 */
public final class RecordDigest {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private long h = OFFSET;

  public RecordDigest bytes(byte[] b) {
    if (b == null) {
      return mix(0xff).mix(0xfe);
    }
    mix(b.length);
    for (byte x : b) {
      mix(x);
    }
    return this;
  }

  public RecordDigest bytes(ByteBuffer b) {
    if (b == null) {
      return bytes((byte[]) null);
    }
    byte[] copy = new byte[b.remaining()];
    b.duplicate().get(copy);
    return bytes(copy);
  }

  public RecordDigest text(String s) {
    return bytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  private RecordDigest mix(int v) {
    h ^= (v & 0xff);
    h *= PRIME;
    return this;
  }

  public long value() {
    return h;
  }
}
