package io.watershed.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Readers waiting for the next append to a partition (a Kafka fetch long-polling, a Kinesis
 * subscription that has caught up), by partition. One log listener per partition runs, once, every
 * wake-up registered on it when batches are appended; a woken reader registers again if it still
 * wants more. The wake-ups run on the partition's writer thread, so they must only schedule work.
 */
public final class AppendWaiters {
  private final ConcurrentHashMap<PartitionLog, Set<Runnable>> waiting = new ConcurrentHashMap<>();
  private final Set<PartitionLog> listening = ConcurrentHashMap.newKeySet();

  /** Runs {@code wake} (once) at the next append to {@code log}. */
  public void await(PartitionLog log, Runnable wake) {
    if (listening.add(log)) {
      log.addListener((l, end) -> fire(l));
    }
    waiting.computeIfAbsent(log, k -> ConcurrentHashMap.newKeySet()).add(wake);
  }

  /** Forgets {@code wake} if it has not run yet. */
  public void cancel(PartitionLog log, Runnable wake) {
    Set<Runnable> s = waiting.get(log);
    if (s != null) {
      s.remove(wake);
    }
  }

  private void fire(PartitionLog log) {
    Set<Runnable> s = waiting.get(log);
    if (s == null || s.isEmpty()) {
      return;
    }
    for (Runnable r : s) {
      if (s.remove(r)) {
        r.run();
      }
    }
  }
}
