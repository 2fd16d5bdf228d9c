package io.watershed.kafka.group;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GroupScheduler} on one daemon thread. Cancelled timers are removed from the queue at
 * once, so rescheduling a member's session timer on every heartbeat does not pile up dead tasks. A
 * task that throws is logged; the thread carries on.
 */
public final class ThreadGroupScheduler implements GroupScheduler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadGroupScheduler.class);

  private final ScheduledThreadPoolExecutor executor;

  public ThreadGroupScheduler(String threadName) {
    executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  @Override
  public long nowMs() {
    return System.currentTimeMillis();
  }

  /**
   * {@inheritDoc}
   *
   * @throws java.util.concurrent.RejectedExecutionException after {@link #close}
   */
  @Override
  public void execute(Runnable task) {
    executor.execute(() -> runLogged(task));
  }

  @Override
  public Timer schedule(long delayMs, Runnable task) {
    if (executor.isShutdown()) {
      return () -> {};
    }
    ScheduledFuture<?> f =
        executor.schedule(() -> runLogged(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  private static void runLogged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("group coordinator task failed", e);
    }
  }

  /** Stops the thread after the task running now; queued tasks and timers are dropped. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
