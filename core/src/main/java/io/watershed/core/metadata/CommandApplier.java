package io.watershed.core.metadata;

import java.util.Optional;

/**
 * The rules and the state change for one command type. One class per command keeps each small and
 * lets a new command arrive without touching the others.
 *
 * <p>Implementations are stateless and thread-safe.
 *
 * @param <C> the command type handled
 */
interface CommandApplier<C extends MetadataCommand> {

  /**
   * Checks what can be checked without the state: the {@link TopicRules} and the injected config
   * rules. Runs once, before the command is logged (a Ratis wrapper runs it in {@code
   * startTransaction}); a failure means the command is never logged.
   *
   * @return empty if the command may be logged, otherwise why not
   */
  Optional<CommandResult.Failure> validate(C command, TopicConfigValidator configRules);

  /**
   * Computes the state after {@code command}. Deterministic: the outcome depends only on {@code
   * image}, {@code index} and {@code command}, never on the clock, the config rules or anything
   * else that may differ between nodes or between a run and a replay. Re-checks the compiled-in
   * {@link TopicRules} so that no image ever holds a topic that breaks them, whatever wrote the log
   * entry.
   *
   * @param image the state before the command
   * @param index the log index the command was stored at
   * @return the result and the image after the command (the same image when the result is a
   *     failure); the caller stamps the new image with {@code index}
   */
  ApplyOutcome apply(MetadataImage image, long index, C command);
}
