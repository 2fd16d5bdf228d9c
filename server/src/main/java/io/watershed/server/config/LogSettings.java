package io.watershed.server.config;

import io.watershed.log.FlushPolicy;
import io.watershed.log.LogConfig;
import io.watershed.log.LogManagerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code log.*} keys, turned into the log engine's configuration.
 *
 * <ul>
 *   <li>{@code log.<topic config>} is the broker-wide default of that topic config, e.g. {@code
 *       log.retention.ms}, {@code log.segment.bytes}, {@code log.cleanup.policy}, {@code
 *       log.max.message.bytes} (every name in {@link LogConfig#names()}).
 *   <li>{@code log.flush}: the flush policy.
 *   <li>Engine settings: {@code log.retention.check.interval.ms} (default 300000), {@code
 *       log.cleaner.backoff.ms} (15000), {@code log.checkpoint.interval.ms} (10000), {@code
 *       log.max.open.files} (4096).
 * </ul>
 */
public final class LogSettings {
  public static final String RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
  public static final String CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
  public static final String CHECKPOINT_INTERVAL_MS = "log.checkpoint.interval.ms";
  public static final String MAX_OPEN_FILES = "log.max.open.files";

  private static final List<String> ENGINE_KEYS =
      List.of(
          RETENTION_CHECK_INTERVAL_MS, CLEANER_BACKOFF_MS, CHECKPOINT_INTERVAL_MS, MAX_OPEN_FILES);

  private LogSettings() {}

  /** Whether {@code key} is a {@code log.*} key the engine understands. */
  public static boolean isKnown(String key) {
    return key.equals(ConfigKeys.LOG_FLUSH)
        || ENGINE_KEYS.contains(key)
        || (key.startsWith(ConfigKeys.LOG_PREFIX)
            && LogConfig.names().contains(key.substring(ConfigKeys.LOG_PREFIX.length())));
  }

  /**
   * Builds the engine configuration rooted at {@code root}.
   *
   * @param logKeys {@code log.*} keys with their values (as {@link ServerConfig#logDefaults()})
   * @throws ConfigException naming the key and the problem when a value is invalid
   */
  public static LogManagerConfig toEngineConfig(
      Path root, FlushPolicy flush, Map<String, String> logKeys) throws ConfigException {
    Map<String, String> topicDefaults = new HashMap<>();
    for (Map.Entry<String, String> e : logKeys.entrySet()) {
      String topicKey = e.getKey().substring(ConfigKeys.LOG_PREFIX.length());
      if (LogConfig.names().contains(topicKey)) {
        topicDefaults.put(topicKey, e.getValue());
      }
    }
    LogConfig defaults;
    try {
      defaults = LogConfig.DEFAULTS.with(topicDefaults);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid log default: " + e.getMessage());
    }
    LogManagerConfig base = LogManagerConfig.defaults(root);
    return base.withFlushPolicy(flush)
        .withDefaults(defaults)
        .withMaxOpenFiles((int) positive(logKeys, MAX_OPEN_FILES, base.maxOpenFiles()))
        .withIntervals(
            positive(logKeys, RETENTION_CHECK_INTERVAL_MS, base.retentionCheckIntervalMs()),
            positive(logKeys, CLEANER_BACKOFF_MS, base.cleanerIntervalMs()),
            positive(logKeys, CHECKPOINT_INTERVAL_MS, base.checkpointIntervalMs()));
  }

  private static long positive(Map<String, String> keys, String key, long dflt)
      throws ConfigException {
    String v = keys.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      long n = Long.parseLong(v.strip());
      if (n > 0 && n <= Integer.MAX_VALUE) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ConfigException("invalid " + key + " '" + v + "': expected a positive integer");
  }
}
