package io.watershed.core.subscription;

/**
 * Where a subscription hands a consumer's work: implemented by a front door. Called on the
 * subscription's scheduler thread; must not block. It may call back into the subscription.
 */
public interface DeliveryTarget<E> {
  /** Hands over one piece of work; the consumer answers it by its key. */
  void deliver(Delivery<E> delivery);

  /**
   * A lease this consumer held ended without its answer (its ack timeout passed): an answer for
   * {@code key} that comes now may be refused or find the work with another consumer.
   */
  default void released(long key) {}

  /** The subscription dropped this consumer (it was closed, reset or reconfigured). */
  void closed(String reason);
}
