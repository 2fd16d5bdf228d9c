package io.watershed.core.subscription;

/**
 * One hand-out of work to a consumer, which answers it by {@link #key()}.
 *
 * @param key the work's key: its position in the source, or, for a parked entry being replayed, a
 *     {@link ReplayKeys replay key} (negative)
 * @param entry what is delivered
 * @param deliveryCount how many times it has been handed out, this time included (1 the first
 *     time); Pulsar's redelivery count and EventStoreDB's retry count are one less, Kafka's share
 *     delivery count is this
 */
public record Delivery<E>(long key, Entry<E> entry, int deliveryCount) {
  /** Whether this is a parked entry being replayed rather than work of the source. */
  public boolean replayed() {
    return ReplayKeys.isReplay(key);
  }
}
