package io.watershed.core.coordinator;

import io.watershed.core.schedule.SerialScheduler;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads coordinator shards run on: a small pool shared by every shard plus one timer thread.
 * Each shard gets a {@link SerialScheduler} that runs its tasks one at a time and in order on the
 * pool, so shards run in parallel up to the pool's size and none needs a thread of its own.
 *
 * <p>A task that throws is logged and the shard carries on. Thread-safe.
 */
public final class CoordinatorThreads implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorThreads.class);

  /** Tasks one shard runs before it lets another shard's tasks have the thread. */
  static final int TASKS_PER_TURN = 64;

  private final ExecutorService pool;
  private final ScheduledThreadPoolExecutor timers;
  private final LongSupplier clock;

  /**
   * @param threads pool threads, at least 1
   * @param clock milliseconds since the epoch
   */
  public CoordinatorThreads(int threads, LongSupplier clock) {
    if (threads < 1) {
      throw new IllegalArgumentException("coordinator threads must be at least 1");
    }
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "coordinator-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.timers =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "coordinator-timers");
              t.setDaemon(true);
              return t;
            });
    timers.setRemoveOnCancelPolicy(true);
    timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.clock = clock;
  }

  /** One pool thread per core up to 2 (a shard's work is short; the log does the I/O). */
  public static CoordinatorThreads defaults() {
    return new CoordinatorThreads(
        Math.min(2, Runtime.getRuntime().availableProcessors()), System::currentTimeMillis);
  }

  /** A new serial scheduler on these threads, for one shard. */
  public SerialScheduler newScheduler() {
    return new Serial();
  }

  /** Tasks of one shard, run one at a time, in order, on the pool. */
  private final class Serial implements SerialScheduler {
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    @Override
    public long nowMs() {
      return clock.getAsLong();
    }

    @Override
    public void execute(Runnable task) {
      if (pool.isShutdown()) {
        throw new RejectedExecutionException("the coordinator threads are closed");
      }
      tasks.add(task);
      if (scheduled.compareAndSet(false, true)) {
        pool.execute(this::runTurn);
      }
    }

    /** Runs up to {@link #TASKS_PER_TURN} tasks, then yields the thread if more are waiting. */
    private void runTurn() {
      for (int i = 0; i < TASKS_PER_TURN; i++) {
        Runnable task = tasks.poll();
        if (task == null) {
          break;
        }
        runLogged(task);
      }
      scheduled.set(false);
      // A task added after the last poll saw scheduled == true and did not submit a turn.
      if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
        try {
          pool.execute(this::runTurn);
        } catch (RejectedExecutionException e) {
          scheduled.set(false);
        }
      }
    }

    @Override
    public Timer schedule(long delayMs, Runnable task) {
      if (timers.isShutdown()) {
        return () -> {};
      }
      ScheduledFuture<?> f =
          timers.schedule(
              () -> {
                try {
                  execute(task);
                } catch (RejectedExecutionException e) {
                  // Closed meanwhile: the timer's task no longer matters.
                }
              },
              Math.max(0, delayMs),
              TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    }
  }

  private static void runLogged(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("coordinator task failed", e);
    }
  }

  /** Stops the threads after the tasks running now; queued tasks and timers are dropped. */
  @Override
  public void close() {
    timers.shutdownNow();
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
      timers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
