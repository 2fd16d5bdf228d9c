package io.watershed.core.stream;

/**
 * What the appender believes about the stream; the append is refused with {@link
 * WrongExpectedRevisionException} when it does not hold.
 */
public sealed interface ExpectedRevision {
  /** No check. */
  record Any() implements ExpectedRevision {}

  /** The stream must not exist (never written, or deleted and not written since). */
  record NoStream() implements ExpectedRevision {}

  /** The stream must exist. */
  record StreamExists() implements ExpectedRevision {}

  /** The stream's last event must have exactly this revision. */
  record Exact(long revision) implements ExpectedRevision {
    public Exact {
      if (revision < 0) {
        throw new IllegalArgumentException("revision " + revision + " < 0");
      }
    }
  }

  ExpectedRevision ANY = new Any();
  ExpectedRevision NO_STREAM = new NoStream();
  ExpectedRevision STREAM_EXISTS = new StreamExists();

  static ExpectedRevision exact(long revision) {
    return new Exact(revision);
  }
}
