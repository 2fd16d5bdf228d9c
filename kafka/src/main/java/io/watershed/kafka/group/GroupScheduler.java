package io.watershed.kafka.group;

/**
 * Where the group coordinator runs: one task at a time, in submission order, plus timers whose
 * tasks run the same way. All coordinator state is confined to these tasks, so it needs no locks;
 * callers on other threads (event loops, the metadata writer) hand work over with {@link #execute}.
 *
 * <p>Production uses one dedicated thread ({@link ThreadGroupScheduler}); tests use a manual clock
 * that runs everything on the test thread.
 */
public interface GroupScheduler {

  /** The current time in milliseconds since the epoch, read by coordinator tasks. */
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
