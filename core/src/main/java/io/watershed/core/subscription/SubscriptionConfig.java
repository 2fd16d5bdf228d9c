package io.watershed.core.subscription;

/**
 * A subscription's limits and timings. Every limit on memory is here and explicit.
 *
 * @param maxUnacked the most work not done (read and not yet acknowledged or parked: in flight,
 *     waiting, delayed, parking) a subscription keeps; at the cap it reads nothing more until the
 *     oldest is done, so its memory and its stored cursor stay bounded whatever the consumers leave
 *     unacknowledged or the filter passes over (≥ 1)
 * @param maxWindowBytes the most bytes of entries that work may hold; at the cap, as at {@code
 *     maxUnacked} (≥ 1; one entry is always let in)
 * @param readAhead work read and never handed out that is kept ready for consumers (≥ 1)
 * @param readBatch the most entries asked of the source in one read (≥ 1)
 * @param maxReadsPerPass reads in one go before the scheduler's other tasks get a turn, so a filter
 *     that passes over much does not hold the thread (≥ 1)
 * @param readRetryDelayMs after a read of the source fails, the wait before the next (≥ 1)
 * @param ackTimeoutMs a lease: work handed out and not answered this long is released for
 *     redelivery; 0 = never
 * @param maxDeliveries work handed out this many times and released again (nacked, timed out, its
 *     consumer gone) is parked instead; 0 = no limit
 * @param maxConsumers consumers at once; 0 = no limit
 * @param parkOnConsumerLoss whether work released because its consumer left is parked when it has
 *     been handed out {@code maxDeliveries} times (Kafka share groups: a record that kills its
 *     consumers is archived), or goes back to the others whatever its count (EventStoreDB); never
 *     when the subscription closes
 * @param acksFromHolderOnly whether only the consumer holding work may answer it (Kafka share
 *     groups), or any consumer (EventStoreDB, Pulsar)
 * @param parkRetryDelayMs after the park sink refuses work, work of a consumer that left not
 *     parked, the wait before it is tried again; meanwhile the work is not done (≥ 1)
 * @param replayBatch parked entries read from the sink at a time when replaying (≥ 1)
 * @param maxReplayInFlight replayed parked entries in memory at once (≥ 1)
 * @param checkpoint when the cursor is written
 */
public record SubscriptionConfig(
    int maxUnacked,
    long maxWindowBytes,
    int readAhead,
    int readBatch,
    int maxReadsPerPass,
    long readRetryDelayMs,
    long ackTimeoutMs,
    int maxDeliveries,
    int maxConsumers,
    boolean parkOnConsumerLoss,
    boolean acksFromHolderOnly,
    long parkRetryDelayMs,
    int replayBatch,
    int maxReplayInFlight,
    CheckpointPolicy checkpoint) {
  public SubscriptionConfig {
    if (maxUnacked < 1
        || maxWindowBytes < 1
        || readAhead < 1
        || readBatch < 1
        || maxReadsPerPass < 1
        || readRetryDelayMs < 1
        || ackTimeoutMs < 0
        || maxDeliveries < 0
        || maxConsumers < 0
        || parkRetryDelayMs < 1
        || replayBatch < 1
        || maxReplayInFlight < 1
        || checkpoint == null) {
      throw new IllegalArgumentException("invalid subscription configuration");
    }
  }

  /**
   * 10,000 work and 64 MiB in the window, 500 read ahead in reads of 100, 64 reads a turn, reads
   * retried after 1 s, leases of 30 s, no delivery limit, any number of consumers answering any
   * work, a leaving consumer's work not parked, parks retried after 1 s, replays of 100 at a time
   * and at most 1,000 in flight, and EventStoreDB's checkpoint defaults.
   */
  public static final SubscriptionConfig DEFAULT =
      new SubscriptionConfig(
          10_000,
          64L << 20,
          500,
          100,
          64,
          1_000,
          30_000,
          0,
          0,
          false,
          false,
          1_000,
          100,
          1_000,
          CheckpointPolicy.DEFAULT);

  public SubscriptionConfig withMaxUnacked(int v) {
    return new SubscriptionConfig(
        v,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withMaxWindowBytes(long v) {
    return new SubscriptionConfig(
        maxUnacked,
        v,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withReadAhead(int v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        v,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withReadBatch(int v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        v,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withMaxReadsPerPass(int v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        v,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withReadRetryDelayMs(long v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        v,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withAckTimeoutMs(long v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        v,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withMaxDeliveries(int v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        v,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withMaxConsumers(int v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        v,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withParkOnConsumerLoss(boolean v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        v,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withAcksFromHolderOnly(boolean v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        v,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withParkRetryDelayMs(long v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        v,
        replayBatch,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withReplayBatch(int v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        v,
        maxReplayInFlight,
        checkpoint);
  }

  public SubscriptionConfig withMaxReplayInFlight(int v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        v,
        checkpoint);
  }

  public SubscriptionConfig withCheckpoint(CheckpointPolicy v) {
    return new SubscriptionConfig(
        maxUnacked,
        maxWindowBytes,
        readAhead,
        readBatch,
        maxReadsPerPass,
        readRetryDelayMs,
        ackTimeoutMs,
        maxDeliveries,
        maxConsumers,
        parkOnConsumerLoss,
        acksFromHolderOnly,
        parkRetryDelayMs,
        replayBatch,
        maxReplayInFlight,
        v);
  }
}
