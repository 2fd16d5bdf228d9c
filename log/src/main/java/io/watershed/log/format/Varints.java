package io.watershed.log.format;

import java.nio.ByteBuffer;

/**
 * Zig-zag variable-length integers as used inside records (protobuf encoding): seven bits per byte,
 * least significant group first, high bit set on every byte but the last.
 */
public final class Varints {
  private Varints() {}

  public static int readVarint(ByteBuffer b) {
    int raw = 0;
    int shift = 0;
    while (true) {
      if (shift > 28) {
        throw new CorruptBatchException("varint longer than 5 bytes");
      }
      byte next = b.get();
      raw |= (next & 0x7f) << shift;
      if (next >= 0) {
        break;
      }
      shift += 7;
    }
    return (raw >>> 1) ^ -(raw & 1);
  }

  public static long readVarlong(ByteBuffer b) {
    long raw = 0;
    int shift = 0;
    while (true) {
      if (shift > 63) {
        throw new CorruptBatchException("varlong longer than 10 bytes");
      }
      byte next = b.get();
      raw |= (long) (next & 0x7f) << shift;
      if (next >= 0) {
        break;
      }
      shift += 7;
    }
    return (raw >>> 1) ^ -(raw & 1);
  }

  public static void writeVarint(int value, ByteBuffer b) {
    int v = (value << 1) ^ (value >> 31);
    while ((v & 0xffffff80) != 0) {
      b.put((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    b.put((byte) v);
  }

  public static void writeVarlong(long value, ByteBuffer b) {
    long v = (value << 1) ^ (value >> 63);
    while ((v & 0xffffffffffffff80L) != 0L) {
      b.put((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    b.put((byte) v);
  }

  public static int sizeOfVarint(int value) {
    int v = (value << 1) ^ (value >> 31);
    int bytes = 1;
    while ((v & 0xffffff80) != 0) {
      bytes++;
      v >>>= 7;
    }
    return bytes;
  }

  public static int sizeOfVarlong(long value) {
    long v = (value << 1) ^ (value >> 63);
    int bytes = 1;
    while ((v & 0xffffffffffffff80L) != 0L) {
      bytes++;
      v >>>= 7;
    }
    return bytes;
  }
}
