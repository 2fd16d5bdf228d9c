package io.watershed.core.subscription;

/**
 * Keys of parked entries being replayed. Work of the source is keyed by its position (≥ 0); a
 * parked entry replayed is keyed by its park sink's ticket mapped below zero, {@code Long.MIN_VALUE
 * + ticket}, so that one {@code long} names any work, replays sort before the source's work (they
 * are older) and in ticket order.
 */
public final class ReplayKeys {
  private ReplayKeys() {}

  /** The key of the parked entry with {@code ticket} (≥ 0). */
  public static long of(long ticket) {
    if (ticket < 0) {
      throw new IllegalArgumentException("a park ticket is not negative: " + ticket);
    }
    return Long.MIN_VALUE + ticket;
  }

  public static boolean isReplay(long key) {
    return key < 0;
  }

  /** The park ticket of a replay key. */
  public static long ticket(long key) {
    return key - Long.MIN_VALUE;
  }
}
