package io.watershed.core.subscription;

/**
 * A consumer attached to a {@link Subscription}, as the engine and its dispatch policies see it:
 * its options, how much it holds and may still take. Read and changed only on the subscription's
 * scheduler thread; a front door keeps it as the handle it answers with.
 */
public final class SubscriptionConsumer<E> {
  private final long id;
  private final ConsumerOptions options;
  final DeliveryTarget<E> target;
  long permits;
  int held;
  long delivered;
  boolean attached = true;

  SubscriptionConsumer(long id, ConsumerOptions options, DeliveryTarget<E> target) {
    this.id = id;
    this.options = options;
    this.target = target;
    this.permits = options.permits();
  }

  /** Unique within its subscription, in attach order. */
  public long id() {
    return id;
  }

  public String name() {
    return options.name();
  }

  public ConsumerOptions options() {
    return options;
  }

  /** Work handed to it and not answered. */
  public int held() {
    return held;
  }

  /** Deliveries it may still take before it grants more; {@link Long#MAX_VALUE} = no limit. */
  public long permits() {
    return permits;
  }

  /** Deliveries made to it since it attached. */
  public long delivered() {
    return delivered;
  }

  /** How many more it may take now. */
  public long room() {
    if (!attached) {
      return 0;
    }
    long window = options.maxUnacked() == 0 ? Long.MAX_VALUE : options.maxUnacked() - held;
    return Math.max(0, Math.min(window, permits));
  }

  /** Whether it may take one more now. */
  public boolean canTake() {
    return room() > 0;
  }

  void handedOne() {
    held++;
    delivered++;
    if (permits != Long.MAX_VALUE) {
      permits--;
    }
  }

  void grant(long n) {
    permits =
        permits == Long.MAX_VALUE || n >= Long.MAX_VALUE - permits ? Long.MAX_VALUE : permits + n;
  }
}
