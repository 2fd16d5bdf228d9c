package io.watershed.core.subscription;

import java.util.List;

/** One consumer only; another is refused while it is attached (Pulsar's Exclusive). */
public final class ExclusiveDispatch implements DispatchPolicy {
  @Override
  public <E> SubscriptionConsumer<E> choose(int keyHash, List<SubscriptionConsumer<E>> consumers) {
    return consumers.isEmpty() || !consumers.get(0).canTake() ? null : consumers.get(0);
  }

  @Override
  public boolean keyed() {
    return false;
  }

  @Override
  public <E> void admit(List<SubscriptionConsumer<E>> current, SubscriptionConsumer<E> joining) {
    if (!current.isEmpty()) {
      throw new SubscriptionException(
          SubscriptionException.Reason.CONSUMER_REFUSED,
          "an exclusive subscription has a consumer already: " + current.get(0).name());
    }
  }
}
