package io.watershed.core.stream;

/**
 * How a persistent subscription group delivers, with EventStoreDB's meanings and defaults.
 *
 * @param resolveLinks deliver link targets (with their links) instead of bare links
 * @param startFrom the first revision (stream) or position ($all) to deliver when the group has no
 *     checkpoint; {@link EventStore#END} = what is appended after the group is created
 * @param messageTimeoutMs an unacknowledged event is retried after this long
 * @param maxRetryCount an event retried more often than this is parked
 * @param liveBufferSize events read ahead when live
 * @param readBatchSize events read from the source at a time
 * @param historyBufferSize events read ahead when catching up
 * @param checkpointAfterMs the most time between checkpoints once {@code minCheckpointCount} events
 *     are done
 * @param minCheckpointCount done events before a checkpoint may be written
 * @param maxCheckpointCount done events after which a checkpoint is written at once
 * @param maxSubscriberCount connections the group takes at once; 0 = unlimited
 * @param consumerStrategy how events are shared among connections
 * @param filter for {@code $all} groups, which events to deliver; null = all
 */
public record PersistentSubscriptionSettings(
    boolean resolveLinks,
    long startFrom,
    int messageTimeoutMs,
    int maxRetryCount,
    int liveBufferSize,
    int readBatchSize,
    int historyBufferSize,
    int checkpointAfterMs,
    int minCheckpointCount,
    int maxCheckpointCount,
    int maxSubscriberCount,
    ConsumerStrategy consumerStrategy,
    EventFilter filter) {

  /** How a group shares events among its connections. */
  public enum ConsumerStrategy {
    /** Each event to the next connection with room, in turn. */
    ROUND_ROBIN,
    /** Events to one connection until its buffer is full, then to the next. */
    DISPATCH_TO_SINGLE,
    /** Events of one stream always to the same connection (by hash of the stream name). */
    PINNED,
    /**
     * As {@link #PINNED}, by the {@code $correlationId} string of the event's JSON metadata, so
     * that the events of one correlation (one process, across streams) go to one connection; events
     * without one are pinned by their stream.
     */
    PINNED_BY_CORRELATION
  }

  /** EventStoreDB's defaults. */
  public static final PersistentSubscriptionSettings DEFAULT =
      new PersistentSubscriptionSettings(
          false,
          0,
          30_000,
          10,
          500,
          20,
          500,
          2_000,
          10,
          1_000,
          0,
          ConsumerStrategy.ROUND_ROBIN,
          null);

  public PersistentSubscriptionSettings {
    if (messageTimeoutMs <= 0
        || maxRetryCount < 0
        || liveBufferSize <= 0
        || readBatchSize <= 0
        || historyBufferSize <= 0
        || checkpointAfterMs < 0
        || minCheckpointCount <= 0
        || maxCheckpointCount < minCheckpointCount
        || maxSubscriberCount < 0
        || consumerStrategy == null) {
      throw new InvalidEventException("invalid persistent subscription settings");
    }
  }
}
