package io.watershed.server.config;

import java.util.Objects;

/**
 * One configuration value as given by one source, before validation.
 *
 * @param key the flat dotted key, e.g. {@code log.flush}
 * @param value the raw text
 * @param origin where it came from, for messages: {@code file /etc/watershed.yaml}, {@code
 *     environment WATERSHED_LOG_FLUSH}, {@code flag --log-flush}
 */
public record Setting(String key, String value, String origin) {
  public Setting {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(origin, "origin");
  }

  /** A value given by the dedicated command-line flag of {@code key} ({@code --kafka-port}). */
  public static Setting flag(String key, String value) {
    return new Setting(key, value, "flag " + ConfigKeys.flagName(key));
  }

  /** A value given on the command line as {@code --set key=value}. */
  public static Setting set(String key, String value) {
    return new Setting(key, value, "flag --set " + key);
  }
}
