package io.watershed.log;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of what the engine did since it opened, shared by all partitions of a {@link
 * LogManager}. Cheap to update from any thread; read them for metrics and tests.
 */
public final class LogStats {
  /**
   * Upper bounds, in nanoseconds, of the buckets {@link #fsyncBuckets()} counts fsync durations in
   * (100 µs to 2.5 s; one fdatasync here takes about 0.5 ms, p99 about 2.4 ms).
   */
  private static final long[] FSYNC_BUCKET_BOUNDS_NANOS = {
    100_000L,
    250_000L,
    500_000L,
    1_000_000L,
    2_500_000L,
    5_000_000L,
    10_000_000L,
    25_000_000L,
    50_000_000L,
    100_000_000L,
    250_000_000L,
    500_000_000L,
    1_000_000_000L,
    2_500_000_000L
  };

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
  final LongAdder recoveries = new LongAdder();
  final LongAdder recoveredSegments = new LongAdder();
  final LongAdder recoveryTruncations = new LongAdder();
  final LongAdder recoveryTruncatedBytes = new LongAdder();
  final LongAdder recoveryRemovedSegments = new LongAdder();
  private final LongAdder[] fsyncBuckets = new LongAdder[FSYNC_BUCKET_BOUNDS_NANOS.length + 1];

  LogStats() {
    for (int i = 0; i < fsyncBuckets.length; i++) {
      fsyncBuckets[i] = new LongAdder();
    }
  }

  /** Counts one fsync that took {@code nanos}: its count, its time and its latency bucket. */
  void fsynced(long nanos) {
    fsyncs.increment();
    fsyncNanos.add(nanos);
    int i = 0;
    while (i < FSYNC_BUCKET_BOUNDS_NANOS.length && nanos > FSYNC_BUCKET_BOUNDS_NANOS[i]) {
      i++;
    }
    fsyncBuckets[i].increment();
  }

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

  /** The upper bounds of {@link #fsyncBuckets()}, in nanoseconds (the last bucket has none). */
  public static long[] fsyncBucketBoundsNanos() {
    return FSYNC_BUCKET_BOUNDS_NANOS.clone();
  }

  /**
   * fsyncs per duration bucket, not cumulative: index i counts those that took at most {@code
   * fsyncBucketBoundsNanos()[i]} and more than the bound before; the last counts the slower ones.
   * The buckets are read one after the other, so under load their sum may differ by a few from
   * {@link #fsyncs()} read a moment before or after.
   */
  public long[] fsyncBuckets() {
    long[] out = new long[fsyncBuckets.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = fsyncBuckets[i].sum();
    }
    return out;
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

  /** Partitions loaded after an unclean stop, whose tail was scanned and checked. */
  public long recoveries() {
    return recoveries.sum();
  }

  /** Segments scanned with CRC checks by recoveries. */
  public long recoveredSegments() {
    return recoveredSegments.sum();
  }

  /** Torn tails (written after the recovery point, never acknowledged as durable) cut off. */
  public long recoveryTruncations() {
    return recoveryTruncations.sum();
  }

  /** Bytes of the torn tails cut off by recoveries. */
  public long recoveryTruncatedBytes() {
    return recoveryTruncatedBytes.sum();
  }

  /** Empty segments after a cut tail that recoveries removed. */
  public long recoveryRemovedSegments() {
    return recoveryRemovedSegments.sum();
  }
}
