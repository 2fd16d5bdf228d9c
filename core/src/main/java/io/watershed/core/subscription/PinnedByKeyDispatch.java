package io.watershed.core.subscription;

import java.util.List;

/**
 * Work of one key always to the same consumer while the consumers stay the same: the one at {@code
 * keyHash mod n} in attach order (EventStoreDB's Pinned, by stream, and PinnedByCorrelation, by
 * correlation id: the adapter chooses the key). When that consumer is full the work waits; other
 * keys go on.
 */
public final class PinnedByKeyDispatch implements DispatchPolicy {
  @Override
  public <E> SubscriptionConsumer<E> choose(int keyHash, List<SubscriptionConsumer<E>> consumers) {
    if (consumers.isEmpty()) {
      return null;
    }
    SubscriptionConsumer<E> c = consumers.get(Math.floorMod(keyHash, consumers.size()));
    return c.canTake() ? c : null;
  }

  @Override
  public boolean keyed() {
    return true;
  }
}
