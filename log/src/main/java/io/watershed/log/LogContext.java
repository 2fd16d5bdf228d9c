package io.watershed.log;

import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What every partition of one {@link LogManager} shares.
 *
 * @param pool bounded pool of open segment files
 * @param writers runs partition writers (one drain per partition at a time)
 * @param flushers runs fsyncs, which block, away from writers and network threads
 * @param clock wall-clock milliseconds, injected so tests control time
 * @param flushPolicy what a durable append waits for
 * @param stats counters shared by all partitions
 */
record LogContext(
    FileHandlePool pool,
    Executor writers,
    Executor flushers,
    LongSupplier clock,
    FlushPolicy flushPolicy,
    LogStats stats) {}
