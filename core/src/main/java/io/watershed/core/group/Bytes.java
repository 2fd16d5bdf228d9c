package io.watershed.core.group;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string: opaque data a protocol hands to the group state and gets back unchanged
 * (a member's subscription or assignment in a classic group).
 *
 * <p>Equal when the bytes are equal, which keeps the records holding it comparable by value.
 * Thread-safe.
 */
public final class Bytes {
  /** No bytes. */
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] bytes;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A copy of {@code bytes}; null is taken as empty. */
  public static Bytes of(byte[] bytes) {
    return bytes == null || bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
  }

  /** A copy of the bytes. */
  public byte[] toArray() {
    return bytes.clone();
  }

  public int size() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Bytes that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Up to the first 16 bytes in hex and the length, for logs. */
  @Override
  public String toString() {
    String head = HexFormat.of().formatHex(bytes, 0, Math.min(16, bytes.length));
    return "Bytes[" + bytes.length + ": " + head + (bytes.length > 16 ? "…" : "") + "]";
  }
}
