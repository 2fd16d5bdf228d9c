package io.watershed.log;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the engine did since it opened, shared by all partitions of a {@link
 * LogManager}. Cheap to update from any thread; read them for metrics and tests.
 */
public final class LogStats {
  final LongAdder appendedBatches = new LongAdder();
  final LongAdder appendedRecords = new LongAdder();
  final LongAdder appendedBytes = new LongAdder();
  final LongAdder writes = new LongAdder();
  final LongAdder fsyncs = new LongAdder();
  final LongAdder fsyncNanos = new LongAdder();
  final LongAdder segmentsRolled = new LongAdder();
  final LongAdder segmentsDeleted = new LongAdder();
  final LongAdder segmentsCompacted = new LongAdder();
  final LongAdder storageFailures = new LongAdder();

  /** Batches appended. */
  public long appendedBatches() {
    return appendedBatches.sum();
  }

  /** Records appended. */
  public long appendedRecords() {
    return appendedRecords.sum();
  }

  /** Bytes appended. */
  public long appendedBytes() {
    return appendedBytes.sum();
  }

  /** Write system calls issued by partition writers (one per drain, gathering many appends). */
  public long writes() {
    return writes.sum();
  }

  /** fsync (fdatasync) calls on segment files. */
  public long fsyncs() {
    return fsyncs.sum();
  }

  /** Total time spent in fsync, in nanoseconds. */
  public long fsyncNanos() {
    return fsyncNanos.sum();
  }

  public long segmentsRolled() {
    return segmentsRolled.sum();
  }

  public long segmentsDeleted() {
    return segmentsDeleted.sum();
  }

  public long segmentsCompacted() {
    return segmentsCompacted.sum();
  }

  /** Failed writes or fsyncs; each takes a partition offline for writes. */
  public long storageFailures() {
    return storageFailures.sum();
  }
}
