package io.watershed.fuzz.mutate;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Structure-blind mutations of a byte string: bit flips (1–4 bits), byte sets to interesting
 * values, 32-bit sets to interesting values (lengths, counts), inserts, deletes, duplicated chunks,
 * cuts, and splices with another input. Each call applies one; every choice comes from the given
 * random, so the output is a function of the input and the random's state.
 */
public final class ByteMutations {
  private static final byte[] INTERESTING_BYTES = {0, 1, -1, 0x7f, (byte) 0x80, 0x20, 0x0a, 0x0d};
  private static final int[] INTERESTING_INTS = {
    0, 1, -1, 2, 16, 255, 256, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0x40000000
  };

  private ByteMutations() {}

  /** Applies {@code count} random mutations in turn. */
  public static byte[] mutate(byte[] in, int count, SplittableRandom r, List<byte[]> others) {
    byte[] out = in;
    for (int i = 0; i < count; i++) {
      out = mutateOnce(out, r, others);
    }
    return out;
  }

  public static byte[] mutateOnce(byte[] in, SplittableRandom r, List<byte[]> others) {
    if (in.length == 0) {
      return insert(in, 0, r);
    }
    return switch (r.nextInt(10)) {
      case 0, 1, 2 -> flipBits(in, r.nextInt(in.length), 1 + r.nextInt(4), r);
      case 3 -> setByte(in, r.nextInt(in.length), r);
      case 4 -> setInt(in, r.nextInt(in.length), r);
      case 5 -> insert(in, r.nextInt(in.length + 1), r);
      case 6 -> delete(in, r.nextInt(in.length), 1 + r.nextInt(Math.min(16, in.length)));
      case 7 -> duplicate(in, r);
      case 8 -> Arrays.copyOf(in, r.nextInt(in.length));
      default ->
          others.isEmpty()
              ? flipBits(in, r.nextInt(in.length), 1, r)
              : splice(in, pick(others, r), r);
    };
  }

  /** Flips {@code bits} random bits within the 8 bytes from {@code at}. */
  public static byte[] flipBits(byte[] in, int at, int bits, SplittableRandom r) {
    byte[] out = in.clone();
    for (int i = 0; i < bits; i++) {
      int pos = Math.min(out.length - 1, at + r.nextInt(8));
      out[pos] ^= (byte) (1 << r.nextInt(8));
    }
    return out;
  }

  public static byte[] setByte(byte[] in, int at, SplittableRandom r) {
    byte[] out = in.clone();
    out[at] =
        r.nextBoolean()
            ? INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)]
            : (byte) r.nextInt(256);
    return out;
  }

  /** Overwrites 4 bytes (big-endian, as every door's lengths are) with an interesting value. */
  public static byte[] setInt(byte[] in, int at, SplittableRandom r) {
    if (in.length < 4) {
      return setByte(in, at, r);
    }
    int pos = Math.min(at, in.length - 4);
    int v = interestingInt(r, in.length);
    byte[] out = in.clone();
    out[pos] = (byte) (v >>> 24);
    out[pos + 1] = (byte) (v >>> 16);
    out[pos + 2] = (byte) (v >>> 8);
    out[pos + 3] = (byte) v;
    return out;
  }

  /** An interesting 32-bit value: a boundary, or near the given length. */
  public static int interestingInt(SplittableRandom r, int nearLength) {
    return r.nextInt(3) == 0
        ? nearLength + r.nextInt(-2, 3)
        : INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)];
  }

  public static byte[] insert(byte[] in, int at, SplittableRandom r) {
    int n = 1 + r.nextInt(16);
    byte[] ins = new byte[n];
    if (r.nextBoolean()) {
      Arrays.fill(ins, (byte) r.nextInt(256));
    } else {
      for (int i = 0; i < n; i++) {
        ins[i] = (byte) r.nextInt(256);
      }
    }
    return insertBytes(in, at, ins);
  }

  public static byte[] insertBytes(byte[] in, int at, byte[] ins) {
    byte[] out = new byte[in.length + ins.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(ins, 0, out, at, ins.length);
    System.arraycopy(in, at, out, at + ins.length, in.length - at);
    return out;
  }

  public static byte[] delete(byte[] in, int at, int n) {
    int m = Math.min(n, in.length - at);
    byte[] out = new byte[in.length - m];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(in, at + m, out, at, in.length - at - m);
    return out;
  }

  /** Copies a chunk of the input to another place in it. */
  public static byte[] duplicate(byte[] in, SplittableRandom r) {
    int from = r.nextInt(in.length);
    int n = 1 + r.nextInt(Math.min(64, in.length - from));
    return insertBytes(in, r.nextInt(in.length + 1), Arrays.copyOfRange(in, from, from + n));
  }

  /** A prefix of {@code a} followed by a suffix of {@code b}. */
  public static byte[] splice(byte[] a, byte[] b, SplittableRandom r) {
    int cutA = r.nextInt(a.length + 1);
    int cutB = b.length == 0 ? 0 : r.nextInt(b.length + 1);
    byte[] out = new byte[cutA + b.length - cutB];
    System.arraycopy(a, 0, out, 0, cutA);
    System.arraycopy(b, cutB, out, cutA, b.length - cutB);
    return out;
  }

  public static <T> T pick(List<T> list, SplittableRandom r) {
    return list.get(r.nextInt(list.size()));
  }
}
