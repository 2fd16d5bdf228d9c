package io.watershed.log;

/** A CreateTime timestamp outside {@code message.timestamp.before/after.max.ms} of now. */
public final class InvalidTimestampException extends InvalidRecordException {
  private static final long serialVersionUID = 1L;

  public InvalidTimestampException(String message) {
    super(message);
  }
}
