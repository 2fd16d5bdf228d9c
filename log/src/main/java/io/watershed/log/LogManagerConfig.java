package io.watershed.log;

import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Settings of a {@link LogManager}.
 *
 * @param root the directory holding partitions, checkpoints and the clean-shutdown marker
 * @param flushPolicy what durable appends wait for ({@code log.flush})
 * @param defaults the configuration of partitions opened without one
 * @param maxOpenFiles bound on open segment files across all partitions
 * @param writerThreads threads running partition writers
 * @param flusherThreads threads running fsyncs
 * @param retentionCheckIntervalMs how often retention runs (Kafka: log.retention.check.interval.ms)
 * @param cleanerIntervalMs how often the cleaner looks for partitions to compact
 * @param checkpointIntervalMs how often recovery points are checkpointed
 * @param clock wall-clock milliseconds
 */
public record LogManagerConfig(
    Path root,
    FlushPolicy flushPolicy,
    LogConfig defaults,
    int maxOpenFiles,
    int writerThreads,
    int flusherThreads,
    long retentionCheckIntervalMs,
    long cleanerIntervalMs,
    long checkpointIntervalMs,
    LongSupplier clock) {

  /** Defaults for a server: durable flush, Kafka's topic defaults. */
  public static LogManagerConfig defaults(Path root) {
    int cores = Runtime.getRuntime().availableProcessors();
    return new LogManagerConfig(
        root,
        FlushPolicy.DURABLE,
        LogConfig.DEFAULTS,
        4096,
        Math.max(2, cores),
        Math.max(4, cores),
        300_000,
        15_000,
        10_000,
        System::currentTimeMillis);
  }

  public LogManagerConfig withRoot(Path newRoot) {
    return new LogManagerConfig(
        newRoot,
        flushPolicy,
        defaults,
        maxOpenFiles,
        writerThreads,
        flusherThreads,
        retentionCheckIntervalMs,
        cleanerIntervalMs,
        checkpointIntervalMs,
        clock);
  }

  public LogManagerConfig withFlushPolicy(FlushPolicy policy) {
    return new LogManagerConfig(
        root,
        policy,
        defaults,
        maxOpenFiles,
        writerThreads,
        flusherThreads,
        retentionCheckIntervalMs,
        cleanerIntervalMs,
        checkpointIntervalMs,
        clock);
  }

  public LogManagerConfig withDefaults(LogConfig newDefaults) {
    return new LogManagerConfig(
        root,
        flushPolicy,
        newDefaults,
        maxOpenFiles,
        writerThreads,
        flusherThreads,
        retentionCheckIntervalMs,
        cleanerIntervalMs,
        checkpointIntervalMs,
        clock);
  }

  public LogManagerConfig withMaxOpenFiles(int n) {
    return new LogManagerConfig(
        root,
        flushPolicy,
        defaults,
        n,
        writerThreads,
        flusherThreads,
        retentionCheckIntervalMs,
        cleanerIntervalMs,
        checkpointIntervalMs,
        clock);
  }

  public LogManagerConfig withIntervals(long retentionCheckMs, long cleanerMs, long checkpointMs) {
    return new LogManagerConfig(
        root,
        flushPolicy,
        defaults,
        maxOpenFiles,
        writerThreads,
        flusherThreads,
        retentionCheckMs,
        cleanerMs,
        checkpointMs,
        clock);
  }

  public LogManagerConfig withClock(LongSupplier newClock) {
    return new LogManagerConfig(
        root,
        flushPolicy,
        defaults,
        maxOpenFiles,
        writerThreads,
        flusherThreads,
        retentionCheckIntervalMs,
        cleanerIntervalMs,
        checkpointIntervalMs,
        newClock);
  }
}
