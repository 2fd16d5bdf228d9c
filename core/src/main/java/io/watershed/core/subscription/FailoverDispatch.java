package io.watershed.core.subscription;

import java.util.Comparator;
import java.util.List;

/**
 * Everything to one active consumer; the others stand by and one of them takes over, with the
 * active one's unanswered work, when it leaves (Pulsar's Failover). The active consumer is the
 * first by priority level (lower first) and then name; for one partition of several, Pulsar spreads
 * partitions over the consumers of the best level: the active one is that level's {@code
 * partitionIndex mod n}-th.
 */
public final class FailoverDispatch implements DispatchPolicy {
  private static final Comparator<SubscriptionConsumer<?>> ORDER =
      Comparator.<SubscriptionConsumer<?>>comparingInt(c -> c.options().priority())
          .thenComparing(SubscriptionConsumer::name)
          .thenComparingLong(SubscriptionConsumer::id);

  private final int partitionIndex;
  private Object active;

  /**
   * @param partitionIndex this source's partition index, or -1 for a source that is not one of
   *     several partitions
   */
  public FailoverDispatch(int partitionIndex) {
    this.partitionIndex = partitionIndex;
  }

  @Override
  public <E> SubscriptionConsumer<E> choose(int keyHash, List<SubscriptionConsumer<E>> consumers) {
    @SuppressWarnings("unchecked")
    SubscriptionConsumer<E> a = (SubscriptionConsumer<E>) active;
    return a != null && a.canTake() ? a : null;
  }

  @Override
  public boolean keyed() {
    return false;
  }

  @Override
  public <E> void consumersChanged(List<SubscriptionConsumer<E>> consumers) {
    active = activeOf(consumers);
  }

  /** The consumer that takes everything now, or null when there is none. */
  public <E> SubscriptionConsumer<E> activeOf(List<SubscriptionConsumer<E>> consumers) {
    if (consumers.isEmpty()) {
      return null;
    }
    List<SubscriptionConsumer<E>> sorted = consumers.stream().sorted(ORDER).toList();
    if (partitionIndex < 0) {
      return sorted.get(0);
    }
    int best = sorted.get(0).options().priority();
    List<SubscriptionConsumer<E>> level =
        sorted.stream().filter(c -> c.options().priority() == best).toList();
    return level.get(partitionIndex % level.size());
  }
}
