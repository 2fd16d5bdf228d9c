package io.watershed.log;

/** A batch from an older epoch of a producer id that has since moved on. */
public final class ProducerFencedException extends LogException {
  private static final long serialVersionUID = 1L;

  public ProducerFencedException(String message) {
    super(message);
  }
}
