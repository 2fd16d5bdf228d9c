package io.watershed.core.metadata;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fixed rules every topic obeys, whichever front door created it. They follow Kafka's, the
 * strictest of the four protocols, so that any topic can be served through any door.
 *
 * <p>These rules are compiled in, not configured: the state machine applies them on replay too, so
 * loosening them is safe but tightening them needs a migration for topics that already exist. All
 * methods are pure and thread-safe.
 */
public final class TopicRules {

  /** Longest topic name, in characters (Kafka's limit: the name must fit in a file name). */
  public static final int MAX_NAME_LENGTH = 249;

  /** Fewest partitions a topic may have. */
  public static final int MIN_PARTITIONS = 1;

  /** Most partitions a topic may have. */
  public static final int MAX_PARTITIONS = 10_000;

  private TopicRules() {}

  /**
   * Checks a topic name: 1 to {@value #MAX_NAME_LENGTH} characters of ASCII letters, digits, {@code
   * .}, {@code _} and {@code -}, and neither {@code "."} nor {@code ".."}.
   *
   * @return empty if valid, otherwise why not
   */
  public static Optional<String> checkName(String name) {
    if (name.isEmpty()) {
      return Optional.of("Topic name must not be empty.");
    }
    if (name.equals(".") || name.equals("..")) {
      return Optional.of("Topic name must not be \".\" or \"..\".");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return Optional.of(
          "Topic name is "
              + name.length()
              + " characters long; the limit is "
              + MAX_NAME_LENGTH
              + ".");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isLegalNameChar(name.charAt(i))) {
        return Optional.of(
            "Topic name \""
                + name
                + "\" contains a character other than ASCII letters, digits, '.', '_' and '-'.");
      }
    }
    return Optional.empty();
  }

  /**
   * Checks a partition count against {@value #MIN_PARTITIONS}..{@value #MAX_PARTITIONS}.
   *
   * @return empty if valid, otherwise why not
   */
  public static Optional<String> checkPartitionCount(int partitionCount) {
    if (partitionCount < MIN_PARTITIONS || partitionCount > MAX_PARTITIONS) {
      return Optional.of(
          "Number of partitions must be between "
              + MIN_PARTITIONS
              + " and "
              + MAX_PARTITIONS
              + ", got "
              + partitionCount
              + ".");
    }
    return Optional.empty();
  }

  /**
   * Checks that configuration keys are non-empty. Values are the {@link TopicConfigValidator}'s
   * business.
   *
   * @return empty if valid, otherwise why not
   */
  static Optional<String> checkConfigKeys(Set<String> keys) {
    return keys.contains("")
        ? Optional.of("Configuration keys must not be empty.")
        : Optional.empty();
  }

  /**
   * Runs {@code validator} over every override, in key order, and reports the first refusal. A
   * runtime exception from the validator counts as a refusal with the exception's message.
   *
   * @return empty if all are accepted, otherwise the key and the validator's reason
   */
  static Optional<String> checkConfigValues(
      Map<String, String> configs, TopicConfigValidator validator) {
    for (Map.Entry<String, String> entry : configs.entrySet()) {
      Optional<String> refusal;
      try {
        refusal = validator.validate(entry.getKey(), entry.getValue());
      } catch (RuntimeException e) {
        // A validator that cannot parse a value has refused it; bad input must not escape as an
        // exception into the submitting thread.
        refusal = Optional.of(String.valueOf(e.getMessage()));
      }
      if (refusal.isPresent()) {
        return Optional.of(
            "Invalid value \""
                + entry.getValue()
                + "\" for configuration "
                + entry.getKey()
                + ": "
                + refusal.get());
      }
    }
    return Optional.empty();
  }

  private static boolean isLegalNameChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }
}
