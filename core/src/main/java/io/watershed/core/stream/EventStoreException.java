package io.watershed.core.stream;

/** A refusal by the {@link EventStore}; the subclasses say which. */
public class EventStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EventStoreException(String message) {
    super(message);
  }

  public EventStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
