package io.watershed.log;

/** A batch larger than the partition's {@code max.message.bytes}. */
public final class RecordTooLargeException extends LogException {
  private static final long serialVersionUID = 1L;

  public RecordTooLargeException(String message) {
    super(message);
  }
}
