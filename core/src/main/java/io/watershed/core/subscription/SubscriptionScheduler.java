package io.watershed.core.subscription;

/**
 * Where subscriptions run: one task at a time, in submission order, plus timers whose tasks run the
 * same way, and the clock they read. Every {@link Subscription} is confined to its scheduler's
 * tasks, so it needs no locks; other threads (a door's event loop, a store completing a write) hand
 * work over with {@link #execute}.
 *
 * <p>Production uses one thread ({@link ThreadSubscriptionScheduler}); tests use a manual clock
 * that runs everything on the test thread, so every timeout and redelivery is deterministic.
 */
public interface SubscriptionScheduler {
  /** The current time in milliseconds since the epoch. */
  long nowMs();

  /** Runs {@code task} after the tasks already submitted. Never runs it on the calling stack. */
  void execute(Runnable task);

  /** Runs {@code task} once, {@code delayMs} from now, unless cancelled first. */
  Timer schedule(long delayMs, Runnable task);

  /** A scheduled task. */
  interface Timer {
    /** Stops the task from running if it has not started; harmless when it has run. */
    void cancel();
  }
}
