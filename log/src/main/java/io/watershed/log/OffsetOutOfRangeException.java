package io.watershed.log;

/** A read below the log start offset or beyond the log end offset. */
public final class OffsetOutOfRangeException extends LogException {
  private static final long serialVersionUID = 1L;

  public OffsetOutOfRangeException(long offset, long logStartOffset, long logEndOffset) {
    super(
        "offset " + offset + " is outside the log [" + logStartOffset + ", " + logEndOffset + "]");
  }
}
