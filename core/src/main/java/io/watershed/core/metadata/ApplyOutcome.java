package io.watershed.core.metadata;

import java.util.Objects;

/**
 * What applying one command produced.
 *
 * @param result success or why the command was rejected
 * @param image the state after the command; unchanged when {@code result} is a failure
 */
record ApplyOutcome(CommandResult result, MetadataImage image) {

  ApplyOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(image, "image");
  }

  /** The command changed the state to {@code next}. */
  static ApplyOutcome success(MetadataImage next) {
    return new ApplyOutcome(CommandResult.success(), next);
  }

  /** The command was rejected; {@code unchanged} stays the state. */
  static ApplyOutcome rejected(MetadataImage unchanged, CommandResult.Failure failure) {
    return new ApplyOutcome(failure, unchanged);
  }
}
