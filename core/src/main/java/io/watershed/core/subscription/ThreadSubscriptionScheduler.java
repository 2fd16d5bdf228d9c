package io.watershed.core.subscription;

import io.watershed.core.schedule.SerialScheduler;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SerialScheduler} on one daemon thread and the wall clock. Cancelled timers leave the
 * queue at once, so re-arming a lease timer does not pile up dead tasks. A task that throws is
 * logged and the thread carries on; after {@link #close} tasks are dropped.
 */
public final class ThreadSubscriptionScheduler implements SerialScheduler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadSubscriptionScheduler.class);

  private final ScheduledThreadPoolExecutor executor;

  public ThreadSubscriptionScheduler(String threadName) {
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
   * @throws RejectedExecutionException after {@link #close}
   */
  @Override
  public void execute(Runnable task) {
    executor.execute(() -> runLogged(task));
  }

  @Override
  public Timer schedule(long delayMs, Runnable task) {
    try {
      ScheduledFuture<?> f =
          executor.schedule(() -> runLogged(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException closed) {
      return () -> {};
    }
  }

  private static void runLogged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("subscription task failed", e);
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
