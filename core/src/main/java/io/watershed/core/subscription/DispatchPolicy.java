package io.watershed.core.subscription;

import java.util.List;

/**
 * Which consumer of a subscription takes a piece of work. Protocol-free: a policy sees the work's
 * key hash (from the adapter's function, 0 when the subscription has none) and the consumers in
 * attach order, and knows nothing of what they are. One instance per subscription (some keep state,
 * such as whose turn it is); called on the subscription's scheduler thread only.
 *
 * <table>
 *   <caption>Policies and who uses them</caption>
 *   <tr><th>policy</th><th>EventStoreDB</th><th>Pulsar</th><th>Kafka share groups</th></tr>
 *   <tr><td>{@link RoundRobinDispatch}</td><td>RoundRobin</td><td>Shared</td><td>yes</td></tr>
 *   <tr><td>{@link SingleDispatch}</td><td>DispatchToSingle</td><td></td><td></td></tr>
 *   <tr><td>{@link ExclusiveDispatch}</td><td></td><td>Exclusive</td><td></td></tr>
 *   <tr><td>{@link FailoverDispatch}</td><td></td><td>Failover</td><td></td></tr>
 *   <tr><td>{@link PinnedByKeyDispatch}</td><td>Pinned, PinnedByCorrelation</td><td></td><td></td></tr>
 *   <tr><td>{@link KeySharedDispatch}</td><td></td><td>Key_Shared</td><td></td></tr>
 * </table>
 */
public sealed interface DispatchPolicy
    permits RoundRobinDispatch,
        SingleDispatch,
        ExclusiveDispatch,
        FailoverDispatch,
        PinnedByKeyDispatch,
        KeySharedDispatch {

  /**
   * The consumer to take work whose key hashes to {@code keyHash}, or null when it must wait (its
   * consumer has no room, or there is none).
   */
  <E> SubscriptionConsumer<E> choose(int keyHash, List<SubscriptionConsumer<E>> consumers);

  /**
   * Whether {@link #choose} depends on the key. When it does not, a null from it means no work can
   * go anywhere now; when it does, other work may still go to other consumers, and work of one key
   * keeps its order because it always goes to the same consumer.
   */
  boolean keyed();

  /**
   * Refuses a consumer that may not join {@code current} by throwing {@link SubscriptionException}
   * with {@link SubscriptionException.Reason#CONSUMER_REFUSED}.
   */
  default <E> void admit(List<SubscriptionConsumer<E>> current, SubscriptionConsumer<E> joining) {}

  /** The consumers changed (one joined or left); {@code consumers} is the new list. */
  default <E> void consumersChanged(List<SubscriptionConsumer<E>> consumers) {}
}
