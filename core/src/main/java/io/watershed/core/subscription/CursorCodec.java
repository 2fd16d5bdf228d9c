package io.watershed.core.subscription;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The binary form of a {@link StoredCursor}, as cursor stores keep it.
 *
 * <table>
 *   <caption>Version 2 (big-endian), written</caption>
 *   <tr><th>offset</th><th>width</th><th>field</th></tr>
 *   <tr><td>0</td><td>1</td><td>format version, 2</td></tr>
 *   <tr><td>1</td><td>8</td><td>mark-delete position: every position below it is done</td></tr>
 *   <tr><td>9</td><td>4</td><td>r, the number of done ranges above it</td></tr>
 *   <tr><td>13</td><td>16 × r</td><td>each range: start (8), end exclusive (8); ascending,
 *       disjoint, non-adjacent, the first starting above the mark-delete position</td></tr>
 *   <tr><td>13 + 16r</td><td>4</td><td>d, the number of delivery counts</td></tr>
 *   <tr><td>17 + 16r</td><td>12 × d</td><td>each: position (8), times handed out (4, &gt; 0);
 *       ascending</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Version 1 (big-endian), read only: EventStoreDB groups' checkpoints before the
 *   engine</caption>
 *   <tr><th>offset</th><th>width</th><th>field</th></tr>
 *   <tr><td>0</td><td>1</td><td>format version, 1</td></tr>
 *   <tr><td>1</td><td>8</td><td>checkpoint: every position below it is done</td></tr>
 *   <tr><td>9</td><td>4</td><td>n, the number of positions done above it</td></tr>
 *   <tr><td>13</td><td>8 × n</td><td>those positions, ascending</td></tr>
 * </table>
 */
public final class CursorCodec {
  private static final byte V1 = 1;
  private static final byte V2 = 2;

  private CursorCodec() {}

  public static byte[] encode(StoredCursor c) {
    ByteBuffer b =
        ByteBuffer.allocate(17 + 16 * c.done().size() + 12 * c.deliveryCounts().size())
            .put(V2)
            .putLong(c.markDelete())
            .putInt(c.done().size());
    for (PositionRange r : c.done()) {
      b.putLong(r.start()).putLong(r.end());
    }
    b.putInt(c.deliveryCounts().size());
    for (Map.Entry<Long, Integer> e : c.deliveryCounts().entrySet()) {
      b.putLong(e.getKey()).putInt(e.getValue());
    }
    return b.array();
  }

  /**
   * Reads either version.
   *
   * @throws IllegalArgumentException when {@code encoded} is not a cursor (wrong version, lengths
   *     or order)
   */
  public static StoredCursor decode(byte[] encoded) {
    try {
      ByteBuffer b = ByteBuffer.wrap(encoded);
      byte version = b.get();
      StoredCursor c =
          switch (version) {
            case V1 -> decodeV1(b);
            case V2 -> decodeV2(b);
            default -> throw new IllegalArgumentException("unknown cursor version " + version);
          };
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(
            "an encoded cursor has " + b.remaining() + " bytes more");
      }
      return c;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("an encoded cursor is cut short", e);
    }
  }

  private static StoredCursor decodeV2(ByteBuffer b) {
    long markDelete = b.getLong();
    int r = count(b, 16);
    List<PositionRange> done = new ArrayList<>(r);
    for (int i = 0; i < r; i++) {
      done.add(new PositionRange(b.getLong(), b.getLong()));
    }
    int d = count(b, 12);
    TreeMap<Long, Integer> counts = new TreeMap<>();
    long last = -1;
    for (int i = 0; i < d; i++) {
      long p = b.getLong();
      int n = b.getInt();
      if (p <= last || n <= 0) {
        throw new IllegalArgumentException("bad delivery count " + n + " at " + p);
      }
      counts.put(p, n);
      last = p;
    }
    return new StoredCursor(markDelete, done, counts);
  }

  /** Version 1 listed single positions; as ranges, neighbours merge. */
  private static StoredCursor decodeV1(ByteBuffer b) {
    long checkpoint = b.getLong();
    int n = count(b, 8);
    List<PositionRange> done = new ArrayList<>();
    long start = -1;
    long end = -1;
    for (int i = 0; i < n; i++) {
      long p = b.getLong();
      if (p < checkpoint || p < end) {
        throw new IllegalArgumentException("positions out of order in a version 1 cursor");
      }
      if (p == end) {
        end++;
        continue;
      }
      if (start >= 0) {
        done.add(new PositionRange(start, end));
      }
      start = p;
      end = p + 1;
    }
    if (start >= 0) {
      done.add(new PositionRange(start, end));
    }
    if (!done.isEmpty() && done.get(0).start() == checkpoint) {
      checkpoint = done.remove(0).end();
    }
    return new StoredCursor(checkpoint, done, new TreeMap<>());
  }

  private static int count(ByteBuffer b, int width) {
    int n = b.getInt();
    if (n < 0 || (long) n * width > b.remaining()) {
      throw new IllegalArgumentException("an encoded cursor has a bad count " + n);
    }
    return n;
  }
}
