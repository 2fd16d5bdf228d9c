package io.watershed.core.schedule;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A {@link SerialScheduler} driven by the test: time stands still until {@link #advance}, and tasks
 * run on the test thread, one at a time and in order, as on the scheduler's thread (a task
 * submitted by a running task runs after it). {@link #run} runs the test's own calls as a task. One
 * instance may serve every shard of a coordinator runtime; they then share its clock and take turns
 * on the test thread.
 */
public final class ManualScheduler implements SerialScheduler {
  private long now = 1_700_000_000_000L;
  private long sequence;
  private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
  private final PriorityQueue<Scheduled> timers =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private boolean running;
  private boolean drainOnExecute = true;

  private static final class Scheduled implements Timer {
    final long due;
    final long seq;
    final Runnable task;
    boolean cancelled;

    Scheduled(long due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  @Override
  public long nowMs() {
    return now;
  }

  @Override
  public void execute(Runnable task) {
    ready.add(task);
    if (drainOnExecute) {
      drain();
    }
  }

  @Override
  public Timer schedule(long delayMs, Runnable task) {
    Scheduled s = new Scheduled(now + Math.max(0, delayMs), sequence++, task);
    timers.add(s);
    return s;
  }

  /** Runs {@code task} as a scheduler task, and everything it submits. */
  public void run(Runnable task) {
    execute(task);
    drain();
  }

  /**
   * Whether tasks submitted from outside a task run at once (default) or wait for {@link #drain}:
   * to see what one pass of a subscription does.
   */
  public void drainOnExecute(boolean on) {
    drainOnExecute = on;
  }

  /** Tasks waiting to run. */
  public int queued() {
    return ready.size();
  }

  /** Timers neither run nor cancelled. */
  public int pendingTimers() {
    return (int) timers.stream().filter(t -> !t.cancelled).count();
  }

  /** Moves the clock forward, running every timer that falls due on the way, in order. */
  public void advance(long ms) {
    long target = now + ms;
    while (!timers.isEmpty() && timers.peek().due <= target) {
      Scheduled s = timers.poll();
      now = Math.max(now, s.due);
      if (!s.cancelled) {
        execute(s.task);
        drain();
      }
    }
    now = target;
    drain();
  }

  /** Runs the tasks waiting, and those they submit. */
  public void drain() {
    if (running) {
      return;
    }
    running = true;
    try {
      Runnable task;
      while ((task = ready.poll()) != null) {
        task.run();
      }
    } finally {
      running = false;
    }
  }
}
