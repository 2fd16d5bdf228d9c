package io.watershed.core.subscription;

import java.util.List;

/**
 * Work to the first consumer (in attach order) with room: one consumer takes everything until it is
 * full, then the next (EventStoreDB's DispatchToSingle).
 */
public final class SingleDispatch implements DispatchPolicy {
  @Override
  public <E> SubscriptionConsumer<E> choose(int keyHash, List<SubscriptionConsumer<E>> consumers) {
    for (SubscriptionConsumer<E> c : consumers) {
      if (c.canTake()) {
        return c;
      }
    }
    return null;
  }

  @Override
  public boolean keyed() {
    return false;
  }
}
