package io.watershed.eventstore;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one after another on a pool thread, waking the pool once for a burst of tasks rather
 * than once per task. Answers to appends come in bursts (the store completes every append of a
 * group commit at once), and waking a thread costs more here than sending an answer.
 *
 * <p>Invariant: a drain is scheduled whenever the queue is not empty and no drain is running; a
 * task added while a drain finishes is either taken by that drain or schedules the next one.
 */
final class CoalescingExecutor implements Executor {
  private static final Logger LOG = LoggerFactory.getLogger(CoalescingExecutor.class);

  private final Executor pool;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  CoalescingExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        pool.execute(this::drain);
      } catch (RejectedExecutionException closing) {
        scheduled.set(false);
        drain();
      }
    }
  }

  private void drain() {
    Runnable t;
    while ((t = tasks.poll()) != null) {
      try {
        t.run();
      } catch (RuntimeException e) {
        LOG.warn("A task failed: {}", e.toString(), e);
      }
    }
    scheduled.set(false);
    if (!tasks.isEmpty()) {
      schedule();
    }
  }
}
