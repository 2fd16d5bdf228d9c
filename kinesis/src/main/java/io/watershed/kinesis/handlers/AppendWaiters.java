package io.watershed.kinesis.handlers;

import io.watershed.log.PartitionLog;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Readers waiting for records (SubscribeToShard subscriptions that have caught up), by partition.
 * One log listener per partition runs, once, every wake-up registered on it when batches are
 * appended; it runs on the partition's writer thread, so a wake-up must only schedule work.
 */
final class AppendWaiters {
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
