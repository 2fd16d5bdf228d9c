package io.watershed.log;

/** Base of every error the log engine reports to its callers. */
public class LogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LogException(String message) {
    super(message);
  }

  public LogException(String message, Throwable cause) {
    super(message, cause);
  }
}
