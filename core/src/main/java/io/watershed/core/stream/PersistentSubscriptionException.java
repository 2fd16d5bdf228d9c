package io.watershed.core.stream;

/** A persistent-subscription request that cannot be met; {@link #reason()} says why. */
public final class PersistentSubscriptionException extends EventStoreException {
  private static final long serialVersionUID = 1L;

  /** Why. */
  public enum Reason {
    /** No group of that name on that source. */
    NOT_FOUND,
    /** A group of that name already exists on that source. */
    ALREADY_EXISTS,
    /** The group has as many connections as its settings allow. */
    MAXIMUM_SUBSCRIBERS_REACHED
  }

  private final Reason reason;

  public PersistentSubscriptionException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
