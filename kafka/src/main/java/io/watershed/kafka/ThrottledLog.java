package io.watershed.kafka;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs something clients cause (a request that does not parse, a feature asked for that is not
 * served) at INFO at most once per interval, and the repeats in between at DEBUG, counted: one line
 * tells the operator what happened, and a client that repeats it in a loop cannot flood the log.
 * Never logs a stack trace: the client's mistake is described by the message. Thread-safe.
 */
public final class ThrottledLog {
  /** How often, at most, a repeated client error reaches the log at INFO. */
  public static final long DEFAULT_INTERVAL_MS = 60_000;

  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private boolean loggedOnce;
  private long lastInfoNanos;
  private long suppressed;

  public ThrottledLog(Logger log) {
    this(log, DEFAULT_INTERVAL_MS, System::nanoTime);
  }

  ThrottledLog(Logger log, long intervalMs, LongSupplier nanoClock) {
    this.log = log;
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    this.nanoClock = nanoClock;
  }

  /** Logs {@code message} at INFO, or at DEBUG when one was logged at INFO within the interval. */
  public void info(String message) {
    long repeats;
    synchronized (this) {
      long now = nanoClock.getAsLong();
      if (loggedOnce && now - lastInfoNanos < intervalNanos) {
        suppressed++;
        repeats = -1;
      } else {
        repeats = suppressed;
        suppressed = 0;
        loggedOnce = true;
        lastInfoNanos = now;
      }
    }
    if (repeats < 0) {
      log.debug(message);
    } else if (repeats == 0) {
      log.info(message);
    } else {
      log.info("{} ({} more like it since the last such line, logged at DEBUG)", message, repeats);
    }
  }
}
