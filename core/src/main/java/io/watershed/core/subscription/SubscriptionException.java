package io.watershed.core.subscription;

/** A subscription request that cannot be met; {@link #reason()} says why. */
public final class SubscriptionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Reason {
    /** The subscription has as many consumers as its configuration allows. */
    TOO_MANY_CONSUMERS,
    /** The dispatch policy refuses this consumer (exclusive and taken, sticky ranges overlap). */
    CONSUMER_REFUSED,
    /** The subscription is closed. */
    CLOSED,
    /** The source cannot do what was asked (seek by time on a source that keeps no time). */
    UNSUPPORTED
  }

  private final Reason reason;

  public SubscriptionException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
