package io.watershed.kafka.handlers;

import io.watershed.log.LogConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Decides which topic configs a Kafka client may set, and what is stored for them.
 *
 * <ul>
 *   <li>A config the log honours is stored when its value is valid for the log.
 *   <li>A fixed config ({@link TopicConfigCatalog}) set to the value the broker has is accepted and
 *       not stored: nothing would change. Any other value is refused.
 *   <li>Anything else is refused as unknown, rather than stored and silently ignored.
 * </ul>
 *
 * Refusals are {@link InvalidConfigurationException}s (Kafka's {@code INVALID_CONFIG}) naming the
 * config. Pure functions; thread-safe.
 */
final class TopicOverridePolicy {
  private TopicOverridePolicy() {}

  /**
   * The overrides to store for the settings a client asked for.
   *
   * @param requested config names and values; a null value is refused
   * @return the subset to store, sorted by name
   * @throws InvalidConfigurationException naming the first config refused
   */
  static Map<String, String> toStore(Map<String, String> requested) {
    Map<String, String> stored = new TreeMap<>();
    for (Map.Entry<String, String> r : new TreeMap<>(requested).entrySet()) {
      String name = r.getKey();
      String value = r.getValue();
      if (value == null) {
        throw new InvalidConfigurationException(
            "Null value not supported for topic configs: " + name);
      }
      TopicConfigCatalog.Entry entry =
          TopicConfigCatalog.find(name)
              .orElseThrow(
                  () ->
                      new InvalidConfigurationException(
                          "Unknown topic config name: "
                              + name
                              + " (this broker does not implement it)"));
      if (entry.honoured()) {
        Optional<String> refusal = LogConfig.validate(name, value);
        if (refusal.isPresent()) {
          throw new InvalidConfigurationException(
              "Invalid value " + value + " for configuration " + name + ": " + refusal.get());
        }
        stored.put(name, value);
      } else if (!sameValue(entry.type(), entry.fixedValue(), value)) {
        throw new InvalidConfigurationException(
            "Invalid value "
                + value
                + " for configuration "
                + name
                + ": this broker supports only "
                + entry.fixedValue());
      }
    }
    return stored;
  }

  /** Whether two config strings mean the same value of {@code type}. */
  static boolean sameValue(ConfigType type, String a, String b) {
    String x = a.trim();
    String y = b.trim();
    try {
      return switch (type) {
        case INT, SHORT, LONG -> Long.parseLong(x) == Long.parseLong(y);
        case DOUBLE -> Double.parseDouble(x) == Double.parseDouble(y);
        case BOOLEAN -> x.toLowerCase(Locale.ROOT).equals(y.toLowerCase(Locale.ROOT));
        case LIST -> listOf(x).equals(listOf(y));
        default -> x.equals(y);
      };
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The elements of a comma-separated list config, trimmed, empty ones dropped. */
  static List<String> listOf(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      String p = part.trim();
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }
}
