package io.watershed.core.coordinator;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the runtime has done since it opened, over all shards; for metrics and benchmarks.
 * Thread-safe; the counters only grow.
 */
public final class CoordinatorStats {
  final LongAdder writes = new LongAdder();
  final LongAdder reads = new LongAdder();
  final LongAdder batches = new LongAdder();
  final LongAdder recordsWritten = new LongAdder();
  final LongAdder recordsReplayed = new LongAdder();
  final LongAdder failedWrites = new LongAdder();
  final LongAdder failedAppends = new LongAdder();
  final LongAdder rebuilds = new LongAdder();

  /** Write operations that committed. */
  public long writes() {
    return writes.sum();
  }

  /** Read operations answered. */
  public long reads() {
    return reads.sum();
  }

  /** Batches appended (a group commit is one batch, whatever the writes in it). */
  public long batches() {
    return batches.sum();
  }

  /** Records appended. */
  public long recordsWritten() {
    return recordsWritten.sum();
  }

  /** Records replayed from the log while loading or rebuilding a shard's state. */
  public long recordsReplayed() {
    return recordsReplayed.sum();
  }

  /** Write operations that failed, for any reason (their handler's refusal included). */
  public long failedWrites() {
    return failedWrites.sum();
  }

  /** Batches the log refused. */
  public long failedAppends() {
    return failedAppends.sum();
  }

  /** States thrown away and replayed from the log after a failed append or replay. */
  public long rebuilds() {
    return rebuilds.sum();
  }
}
