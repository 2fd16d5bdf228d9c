package io.watershed.server.config;

import io.watershed.core.coordinator.CoordinatorConfig;
import java.util.List;
import java.util.Map;

/**
 * The coordinator runtime's settings, under the {@code coordinator.} prefix:
 *
 * <ul>
 *   <li>{@code coordinator.shards} (8, 1 to 1024): partitions of {@code __watershed_coordinators},
 *       one shard each; read when the topic is created (the first start), fixed afterwards.
 * </ul>
 */
public final class CoordinatorSettings {
  static final String SHARDS = "coordinator.shards";

  private static final List<String> KEYS = List.of(SHARDS);

  private CoordinatorSettings() {}

  public static boolean isKnown(String key) {
    return KEYS.contains(key);
  }

  /** Validates the values, so that a bad one stops start-up with exit code 2. */
  static void check(Map<String, String> settings) throws ConfigException {
    build(settings);
  }

  public static CoordinatorConfig build(Map<String, String> settings) throws ConfigException {
    CoordinatorConfig d = CoordinatorConfig.DEFAULTS;
    return d.withShards(
        SettingValues.intValue(settings, SHARDS, d.shards(), 1, CoordinatorConfig.MAX_SHARDS));
  }
}
