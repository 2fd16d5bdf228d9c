package io.watershed.core.subscription;

/**
 * An ordered source of work for one {@link Subscription}: a partition, an event stream, {@code
 * $all}. Positions are ≥ 0 and increase; a source may skip positions (gaps, or entries its filter
 * leaves out), and those are not work. A subscription over several partitions is one subscription
 * per partition, as Pulsar and Kafka share groups both keep one cursor per partition.
 *
 * <p>Called on the subscription's scheduler thread; reads should be quick (the page cache), since
 * other subscriptions wait meanwhile. The subscription bounds each read.
 */
public interface SubscriptionSource<E> {
  /**
   * Reads work from {@code from} (inclusive), examining at most about {@code maxEntries} positions.
   *
   * @throws RuntimeException when the source cannot be read now; the subscription tries again later
   */
  SourcePage<E> read(long from, int maxEntries);

  /**
   * The first position whose entry was written at or after {@code timestampMs}, or the end when
   * there is none; for seeking by time.
   *
   * @throws UnsupportedOperationException when the source keeps no time
   */
  default long positionAt(long timestampMs) {
    throw new UnsupportedOperationException("this source cannot seek by time");
  }
}
