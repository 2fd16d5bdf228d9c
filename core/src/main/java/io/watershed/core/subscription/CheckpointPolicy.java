package io.watershed.core.subscription;

/**
 * When a subscription writes its cursor: once {@code minDone} pieces of work are done since the
 * last write and {@code intervalMs} has passed since it, or at once after {@code maxDone}
 * (EventStoreDB's min/max checkpoint count and checkpoint-after; Pulsar writes its mark-delete
 * position at a rate, Kafka share groups with every change: {@code minDone = maxDone = 1}). Work
 * done after the last write may be delivered again after a restart (at least once).
 *
 * @param minDone done work before a write may happen (≥ 1)
 * @param maxDone done work after which a write happens at once (≥ minDone)
 * @param intervalMs the least time between writes while fewer than {@code maxDone} are done
 * @param retryDelayMs after a failed write, the first wait before the next attempt; it doubles with
 *     each failure up to {@code maxRetryDelayMs}
 * @param maxRetryDelayMs the longest wait between attempts
 */
public record CheckpointPolicy(
    int minDone, int maxDone, long intervalMs, long retryDelayMs, long maxRetryDelayMs) {
  public CheckpointPolicy {
    if (minDone < 1
        || maxDone < minDone
        || intervalMs < 0
        || retryDelayMs < 1
        || maxRetryDelayMs < retryDelayMs) {
      throw new IllegalArgumentException("invalid checkpoint policy");
    }
  }

  /** EventStoreDB's defaults: 10 to 1,000 done, 2 s apart; retries from 100 ms up to 5 s. */
  public static final CheckpointPolicy DEFAULT = new CheckpointPolicy(10, 1_000, 2_000, 100, 5_000);
}
