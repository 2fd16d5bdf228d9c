package io.watershed.core.metadata;

import java.util.Optional;

/**
 * Decides whether one per-topic configuration override is acceptable. The log engine supplies the
 * real rules (known keys, value ranges); core only asks.
 *
 * <p>Contract: a pure function of its arguments, fast, and safe to call from any thread at once
 * ({@link MetadataStore#submit} calls it on the submitting thread). It is consulted once per
 * command, before the command is logged; log replay and replicas never consult it, so changing the
 * rules later never changes the state rebuilt from an existing log.
 */
@FunctionalInterface
public interface TopicConfigValidator {

  /**
   * Checks one override.
   *
   * @param key the configuration key, never null or empty
   * @param value the proposed value, never null
   * @return empty if the override is acceptable, otherwise a sentence saying why not, which is
   *     shown to the client. Throwing a runtime exception (say, from parsing a number) also refuses
   *     the override, with the exception's message as the reason.
   */
  Optional<String> validate(String key, String value);

  /** Returns a validator that accepts every key and value. */
  static TopicConfigValidator acceptAll() {
    return (key, value) -> Optional.empty();
  }
}
