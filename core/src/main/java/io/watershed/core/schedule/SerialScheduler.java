package io.watershed.core.schedule;

/**
 * Where confined work runs: one task at a time, in submission order, plus timers whose tasks run
 * the same way, and the clock they read. State confined to these tasks (a coordinator shard, a
 * subscription) needs no locks; other threads (a door's event loop, a store completing a write)
 * hand work over with {@link #execute}.
 *
 * <p>Production uses a serial executor on a small shared pool (the coordinator runtime's {@code
 * CoordinatorThreads#newScheduler}) or one thread of its own (subscriptions' {@code
 * ThreadSubscriptionScheduler}); tests use a manual clock that runs every task on the test thread,
 * so every timeout and redelivery is deterministic.
 */
public interface SerialScheduler {
  /** The current time, milliseconds since the epoch; read by handlers and timers. */
  long nowMs();

  /**
   * Runs {@code task} after the tasks already submitted, never on the calling stack.
   *
   * @throws java.util.concurrent.RejectedExecutionException once the threads are closed
   */
  void execute(Runnable task);

  /** Runs {@code task} once, {@code delayMs} from now (as {@link #execute}), unless cancelled. */
  Timer schedule(long delayMs, Runnable task);

  /** A scheduled task. */
  interface Timer {
    /** Stops the task from running if it has not started; harmless when it has run. */
    void cancel();
  }
}
