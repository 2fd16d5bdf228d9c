package io.watershed.server.config;

import java.util.Map;

/** Reads typed values of front-door settings, with one error message for every bad one. */
final class SettingValues {
  private SettingValues() {}

  /** The integer under {@code key} in [{@code min}, {@code max}], or {@code dflt} when absent. */
  static int intValue(Map<String, String> s, String key, int dflt, int min, int max)
      throws ConfigException {
    return (int) longValue(s, key, dflt, min, max);
  }

  /** The integer under {@code key} in [{@code min}, {@code max}], or {@code dflt} when absent. */
  static long longValue(Map<String, String> s, String key, long dflt, long min, long max)
      throws ConfigException {
    String v = s.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ConfigException(
        "invalid " + key + " '" + v + "': expected an integer from " + min + " to " + max);
  }

  static boolean boolValue(Map<String, String> s, String key, boolean dflt) throws ConfigException {
    String v = s.get(key);
    if (v == null) {
      return dflt;
    }
    return switch (v.strip()) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new ConfigException("invalid " + key + " '" + v + "': expected true or false");
    };
  }
}
