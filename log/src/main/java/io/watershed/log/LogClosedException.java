package io.watershed.log;

/** The partition or its manager was closed or deleted. */
public final class LogClosedException extends LogException {
  private static final long serialVersionUID = 1L;

  public LogClosedException(String message) {
    super(message);
  }
}
