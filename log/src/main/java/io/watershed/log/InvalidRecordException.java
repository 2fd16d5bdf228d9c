package io.watershed.log;

/**
 * A well-formed batch that the partition will not store: a record without a key in a compacted log,
 * a timestamp outside the accepted window, a control batch from a client, no records.
 */
public class InvalidRecordException extends LogException {
  private static final long serialVersionUID = 1L;

  public InvalidRecordException(String message) {
    super(message);
  }
}
