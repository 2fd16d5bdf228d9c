package io.watershed.core.coordinator;

/**
 * Where one shard's work runs: one task at a time, in submission order, plus timers whose tasks run
 * the same way. A shard's state is confined to these tasks, so it needs no locks; other threads
 * hand work over with {@link #execute}.
 *
 * <p>Production uses {@link CoordinatorThreads#newScheduler} (a serial executor on a small shared
 * pool); tests use a manual clock that runs every task on the test thread.
 */
public interface CoordinatorScheduler {

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
