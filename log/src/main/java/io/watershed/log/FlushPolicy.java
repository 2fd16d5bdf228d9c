package io.watershed.log;

/**
 * What the log promises about an append it reports as durable, set by {@code log.flush}.
 *
 * <ul>
 *   <li>{@code durable}: the append has been fsynced; appends that arrive together share one fsync
 *       (group commit).
 *   <li>{@code interval:<ms>}: acknowledged once written to the OS; every partition with unflushed
 *       data is fsynced at least every {@code ms} milliseconds, so a machine crash loses at most
 *       that window.
 *   <li>{@code os}: acknowledged once written to the OS; the kernel decides when to write back.
 *       Survives a process crash, not a machine crash.
 * </ul>
 */
public sealed interface FlushPolicy {
  /** The durable policy: fsync before acknowledging a durable append. */
  record Durable() implements FlushPolicy {
    @Override
    public String toString() {
      return "durable";
    }
  }

  /** Periodic fsync every {@code intervalMs}. */
  record Interval(long intervalMs) implements FlushPolicy {
    public Interval {
      if (intervalMs <= 0) {
        throw new IllegalArgumentException("flush interval must be positive: " + intervalMs);
      }
    }

    @Override
    public String toString() {
      return "interval:" + intervalMs;
    }
  }

  /** No explicit fsync; the operating system writes back. */
  record Os() implements FlushPolicy {
    @Override
    public String toString() {
      return "os";
    }
  }

  FlushPolicy DURABLE = new Durable();
  FlushPolicy OS = new Os();

  /**
   * Parses {@code durable}, {@code os} or {@code interval:<ms>}.
   *
   * @throws IllegalArgumentException with a readable message for anything else
   */
  static FlushPolicy parse(String text) {
    String t = text.trim();
    if (t.equals("durable")) {
      return DURABLE;
    }
    if (t.equals("os")) {
      return OS;
    }
    if (t.startsWith("interval:")) {
      long ms;
      try {
        ms = Long.parseLong(t.substring("interval:".length()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "the interval must be a whole number of milliseconds; " + SYNTAX);
      }
      if (ms < 1) {
        throw new IllegalArgumentException("the interval must be 1 ms or more; " + SYNTAX);
      }
      return new Interval(ms);
    }
    throw new IllegalArgumentException(SYNTAX);
  }

  /** What {@link #parse} accepts, for error messages. */
  String SYNTAX = "expected durable, os or interval:<ms> (e.g. interval:100)";
}
