package io.watershed.core.coordinator;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * A {@link CoordinatorScheduler} driven by the test: time stands still until {@link #advance}, and
 * tasks run on the calling thread, one at a time and in order, as on a shard's executor (a task
 * submitted by a running task runs after it). One instance may serve every shard of a runtime; they
 * then share its clock and take turns on the test thread.
 */
public final class ManualCoordinatorScheduler implements CoordinatorScheduler {
  private long now = 1_700_000_000_000L;
  private long sequence;
  private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
  private final PriorityQueue<Scheduled> timers =
      new PriorityQueue<>(
          (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private boolean running;

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
    drain();
  }

  @Override
  public Timer schedule(long delayMs, Runnable task) {
    Scheduled s = new Scheduled(now + Math.max(0, delayMs), sequence++, task);
    timers.add(s);
    return s;
  }

  /** Moves the clock forward, running every timer that falls due on the way, in order. */
  public void advance(long ms) {
    long target = now + ms;
    while (!timers.isEmpty() && timers.peek().due <= target) {
      Scheduled s = timers.poll();
      now = Math.max(now, s.due);
      if (!s.cancelled) {
        execute(s.task);
      }
    }
    now = target;
    drain();
  }

  /** Timers neither run nor cancelled. */
  public int pendingTimers() {
    return (int) timers.stream().filter(t -> !t.cancelled).count();
  }

  private void drain() {
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
