package io.watershed.core.coordinator;

/**
 * Why the coordinator runtime did not carry out an operation. Whatever the reason, a failed write
 * changed no state. A front door maps the reason to its protocol's error (a Kafka door: {@code
 * COORDINATOR_LOAD_IN_PROGRESS}, {@code REQUEST_TIMED_OUT}, {@code UNKNOWN_SERVER_ERROR} …).
 */
public final class CoordinatorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong. */
  public enum Reason {
    /** The shard already holds {@link CoordinatorConfig#maxQueuedOperations()} operations. */
    OVERLOADED,
    /** One write's records exceed {@link CoordinatorConfig#maxWriteBytes()}. */
    TOO_LARGE,
    /**
     * The shard's partition refused the append (a full or failing disk), or an earlier such failure
     * left records beyond what the shard committed, so it takes no writes until restarted.
     */
    STORAGE,
    /** The shard's log could not be read or holds records this version cannot read. */
    LOAD_FAILED,
    /** The namespace could not replay the records its own handler returned (a codec bug). */
    INVALID_RECORDS,
    /** The runtime is closed. */
    CLOSED
  }

  private final Reason reason;

  public CoordinatorException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public CoordinatorException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
