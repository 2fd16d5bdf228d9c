package io.watershed.core.metadata;

import java.util.Objects;

/**
 * The outcome of one command: {@link Success}, or a {@link Failure} that says why nothing changed.
 *
 * <p>A result is a pure function of the state and the command it was applied to, so every replica
 * computes the same result for the same log entry.
 */
public sealed interface CommandResult permits CommandResult.Success, CommandResult.Failure {

  /** The command was applied and changed the state as it describes. */
  record Success() implements CommandResult {}

  /**
   * The command was rejected and the state is unchanged (apart from the last applied index, when
   * the command had been logged).
   *
   * @param error what kind of rejection, for mapping to a protocol's error code
   * @param message a sentence for a human, naming the offending value
   */
  record Failure(MetadataError error, String message) implements CommandResult {

    /** Rejects nulls. */
    public Failure {
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Returns the success result. */
  static Success success() {
    return new Success();
  }

  /** Returns a failure with the given error and message. */
  static Failure failure(MetadataError error, String message) {
    return new Failure(error, message);
  }

  /** Returns true for {@link Success}. */
  default boolean isSuccess() {
    return this instanceof Success;
  }
}
