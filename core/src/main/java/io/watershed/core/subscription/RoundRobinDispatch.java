package io.watershed.core.subscription;

import java.util.List;

/** Each piece of work to the next consumer with room, in turn (Pulsar's Shared). */
public final class RoundRobinDispatch implements DispatchPolicy {
  private int next;

  @Override
  public <E> SubscriptionConsumer<E> choose(int keyHash, List<SubscriptionConsumer<E>> consumers) {
    int n = consumers.size();
    for (int i = 0; i < n; i++) {
      int at = Math.floorMod(next + i, n);
      SubscriptionConsumer<E> c = consumers.get(at);
      if (c.canTake()) {
        next = at + 1;
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
