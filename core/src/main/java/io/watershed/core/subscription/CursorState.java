package io.watershed.core.subscription;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.TreeSet;

/**
 * Where a subscription with individual acknowledgements stands over an ordered source of positions
 * (an offset, a stream revision, a {@code $all} position): every position below {@link
 * #checkpoint()} is done, and above it some positions are done individually while others are still
 * outstanding (handed out, not yet acknowledged). Protocol-free: EventStoreDB persistent
 * subscriptions use it, and Pulsar subscriptions and Kafka share groups can.
 *
 * <p>The durable form is compact: the checkpoint plus the positions done above it, which the
 * in-flight window bounds.
 *
 * <table>
 *   <caption>Encoded state (big-endian)</caption>
 *   <tr><th>offset</th><th>width</th><th>field</th></tr>
 *   <tr><td>0</td><td>1</td><td>format version, 1</td></tr>
 *   <tr><td>1</td><td>8</td><td>checkpoint: every position below it is done</td></tr>
 *   <tr><td>9</td><td>4</td><td>n, the number of positions done above the checkpoint</td></tr>
 *   <tr><td>13</td><td>8 × n</td><td>those positions, ascending</td></tr>
 * </table>
 *
 * Not thread-safe: one owner thread.
 */
public final class CursorState {
  private static final byte VERSION = 1;

  /** Positions handed out and not yet done. */
  private final TreeSet<Long> outstanding = new TreeSet<>();

  /**
   * Positions done individually at or above the checkpoint: above the lowest outstanding one, or,
   * after a restore, ahead of where the reader has got to again.
   */
  private final TreeSet<Long> doneAbove = new TreeSet<>();

  /** The position after the highest one handed out or done since this cursor was made. */
  private long next;

  /** A cursor where everything below {@code start} is done. */
  public CursorState(long start) {
    this.next = start;
  }

  /** Restores a cursor from {@link #encode()}'s form. */
  public static CursorState decode(byte[] encoded) {
    ByteBuffer b = ByteBuffer.wrap(encoded);
    if (b.remaining() < 13 || b.get() != VERSION) {
      throw new IllegalArgumentException("not an encoded cursor");
    }
    CursorState c = new CursorState(b.getLong());
    int n = b.getInt();
    if (n < 0 || b.remaining() != 8L * n) {
      throw new IllegalArgumentException("encoded cursor has a bad count " + n);
    }
    for (int i = 0; i < n; i++) {
      c.doneAbove.add(b.getLong());
    }
    return c;
  }

  /** {@code position} is handed out; it stays outstanding until {@link #done}. */
  public void handedOut(long position) {
    if (position < checkpoint() && !outstanding.contains(position)) {
      return;
    }
    outstanding.add(position);
    doneAbove.remove(position);
    next = Math.max(next, position + 1);
  }

  /**
   * {@code position} is finished with: acknowledged, skipped or parked, or passed over by the
   * reader because it was done before a restart. Positions the reader never saw below the highest
   * one handed out or done (gaps in the source, filtered-out events) count as done.
   */
  public void done(long position) {
    outstanding.remove(position);
    next = Math.max(next, position + 1);
    if (!outstanding.isEmpty() && position > outstanding.first()) {
      doneAbove.add(position);
    }
    doneAbove.headSet(checkpoint()).clear();
  }

  /** Whether {@code position} needs no delivery: below the checkpoint or done individually. */
  public boolean isDone(long position) {
    return position < checkpoint() || doneAbove.contains(position);
  }

  /** Every position below this is done. */
  public long checkpoint() {
    return outstanding.isEmpty() ? next : outstanding.first();
  }

  /** Positions handed out and not done. */
  public int outstandingCount() {
    return outstanding.size();
  }

  public byte[] encode() {
    long cp = checkpoint();
    long[] above = doneAbove.tailSet(cp).stream().mapToLong(Long::longValue).toArray();
    ByteBuffer b = ByteBuffer.allocate(13 + 8 * above.length).put(VERSION).putLong(cp);
    b.putInt(above.length);
    Arrays.stream(above).forEach(b::putLong);
    return b.array();
  }
}
