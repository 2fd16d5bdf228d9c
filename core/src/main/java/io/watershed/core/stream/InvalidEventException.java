package io.watershed.core.stream;

/**
 * A request the store cannot take: an empty or too long stream name, an append larger than {@link
 * EventStoreLimits#maxAppendBytes()}, an empty event type.
 */
public final class InvalidEventException extends EventStoreException {
  private static final long serialVersionUID = 1L;

  public InvalidEventException(String message) {
    super(message);
  }
}
