package io.watershed.kafka.handlers;

import io.watershed.log.PartitionLog;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fetches waiting for data (long poll), by partition. One log listener per partition wakes every
 * fetch waiting on it when batches are appended; a woken fetch re-registers if it still wants more.
 * The wake-up runs on the partition's writer thread, so it must only schedule work.
 */
final class FetchWaiters {
  private final ConcurrentHashMap<PartitionLog, Set<Runnable>> waiting = new ConcurrentHashMap<>();
  private final Set<PartitionLog> listening = ConcurrentHashMap.newKeySet();

  /** Runs {@code wake} (once) at the next append to {@code log}. */
  void await(PartitionLog log, Runnable wake) {
    if (listening.add(log)) {
      log.addListener((l, end) -> fire(l));
    }
    waiting.computeIfAbsent(log, k -> ConcurrentHashMap.newKeySet()).add(wake);
  }

  void cancel(PartitionLog log, Runnable wake) {
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
