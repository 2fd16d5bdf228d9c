package io.watershed.server.config;

import java.util.List;
import java.util.Locale;

/** The configuration keys and how each source spells them. */
public final class ConfigKeys {
  public static final String DATA_DIR = "data.dir";
  public static final String BIND_HOST = "bind.host";
  public static final String ADVERTISED_HOST = "advertised.host";
  public static final String LOG_FLUSH = "log.flush";

  /** Prefix of the log engine's keys (topic defaults); all of them go to the log engine. */
  public static final String LOG_PREFIX = "log.";

  /** The listeners, in start-up order of their front doors; each has a key {@code <door>.port}. */
  public static final List<String> DOORS =
      List.of("kafka", "eventstore", "kinesis", "pulsar", "http");

  /** Environment variables start with this; the rest is the key, upper case, dots as '_'. */
  public static final String ENV_PREFIX = "WATERSHED_";

  /** Environment variable naming the YAML file when {@code --config} is not given. */
  public static final String CONFIG_ENV = "WATERSHED_CONFIG";

  /** Environment variables with the prefix that are not configuration keys. */
  public static final List<String> NON_KEY_ENV = List.of(CONFIG_ENV, "WATERSHED_JAVA_OPTS");

  private ConfigKeys() {}

  public static String portKey(String door) {
    return door + ".port";
  }

  /** {@code kafka.port} → {@code --kafka-port}. */
  public static String flagName(String key) {
    return "--" + key.replace('.', '-');
  }

  /** {@code log.flush} → {@code WATERSHED_LOG_FLUSH}. */
  public static String envName(String key) {
    return ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** {@code WATERSHED_LOG_FLUSH} → {@code log.flush}. */
  public static String keyOfEnv(String envName) {
    return envName.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** Whether {@code key} means something to Watershed (unknown keys are warned about). */
  public static boolean isKnown(String key) {
    if (key.equals(DATA_DIR)
        || key.equals(BIND_HOST)
        || key.equals(ADVERTISED_HOST)
        || key.equals(LOG_FLUSH)) {
      return true;
    }
    for (String door : DOORS) {
      if (key.equals(portKey(door))) {
        return true;
      }
    }
    if (KafkaSettings.isKnown(key)
        || EventStoreSettings.isKnown(key)
        || KinesisSettings.isKnown(key)
        || CoordinatorSettings.isKnown(key)) {
      return true;
    }
    // log.flush takes one value; "log.flush.interval" is a YAML slip (interval: 100 unquoted).
    return key.startsWith(LOG_PREFIX)
        && key.length() > LOG_PREFIX.length()
        && !key.startsWith(LOG_FLUSH + ".");
  }
}
