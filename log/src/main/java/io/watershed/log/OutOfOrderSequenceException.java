package io.watershed.log;

/** A batch whose first sequence number does not follow the producer's last one. */
public final class OutOfOrderSequenceException extends LogException {
  private static final long serialVersionUID = 1L;

  public OutOfOrderSequenceException(String message) {
    super(message);
  }
}
