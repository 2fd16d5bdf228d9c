package io.watershed.core.stream;

/** An append, delete or tombstone whose expected revision did not hold. */
public final class WrongExpectedRevisionException extends EventStoreException {
  private static final long serialVersionUID = 1L;

  /** {@link #actualRevision()} when the stream does not exist. */
  public static final long NO_STREAM = -1;

  private final String stream;
  private final transient ExpectedRevision expected;
  private final long actualRevision;

  public WrongExpectedRevisionException(
      String stream, ExpectedRevision expected, long actualRevision) {
    super(
        "append to "
            + stream
            + " expected "
            + expected
            + " but the stream is "
            + (actualRevision == NO_STREAM ? "absent" : "at revision " + actualRevision));
    this.stream = stream;
    this.expected = expected;
    this.actualRevision = actualRevision;
  }

  public String stream() {
    return stream;
  }

  public ExpectedRevision expected() {
    return expected;
  }

  /** The stream's current last revision, or {@link #NO_STREAM}. */
  public long actualRevision() {
    return actualRevision;
  }
}
