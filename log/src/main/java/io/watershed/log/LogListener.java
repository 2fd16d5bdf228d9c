package io.watershed.log;

/**
 * Told when new batches become readable in a partition, so that waiting readers (long-polling
 * fetches, live subscriptions) can wake up. Called on the partition's writer thread: it must return
 * quickly and never block.
 */
@FunctionalInterface
public interface LogListener {
  void onAppend(PartitionLog log, long logEndOffset);
}
