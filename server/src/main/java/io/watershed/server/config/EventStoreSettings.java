package io.watershed.server.config;

import io.watershed.core.stream.EventStoreLimits;
import io.watershed.eventstore.EventStoreDoorConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The event-store door's settings, under the {@code eventstore.} prefix:
 *
 * <ul>
 *   <li>{@code eventstore.tls} (false): serve TLS, as KurrentDB does by default, instead of
 *       plaintext ({@code esdb://host:2113?tls=false});
 *   <li>{@code eventstore.tls.cert.file}, {@code eventstore.tls.key.file} (none): the server
 *       certificate and its PKCS#8 key, PEM; without them a self-signed certificate is made on
 *       first start and kept in {@code <data.dir>/eventstore/tls/};
 *   <li>{@code eventstore.max.append.bytes} (1048576): the most one append may carry, KurrentDB's
 *       {@code MaxAppendSize};
 *   <li>{@code eventstore.scavenge.interval.ms} (3600000; 0 = never): how often the space of
 *       deleted, truncated and expired events is reclaimed in the background.
 * </ul>
 *
 * @param door how the door listens
 * @param limits the store's limits
 * @param scavengeIntervalMs 0 for no background scavenge
 * @param indexDir the stream index's directory
 */
public record EventStoreSettings(
    EventStoreDoorConfig door, EventStoreLimits limits, long scavengeIntervalMs, Path indexDir) {
  static final String TLS = "eventstore.tls";
  static final String CERT_FILE = "eventstore.tls.cert.file";
  static final String KEY_FILE = "eventstore.tls.key.file";
  static final String MAX_APPEND_BYTES = "eventstore.max.append.bytes";
  static final String SCAVENGE_INTERVAL = "eventstore.scavenge.interval.ms";

  private static final List<String> KEYS =
      List.of(TLS, CERT_FILE, KEY_FILE, MAX_APPEND_BYTES, SCAVENGE_INTERVAL);

  public static boolean isKnown(String key) {
    return KEYS.contains(key);
  }

  /** Validates the values, so that a bad one stops start-up with exit code 2. */
  static void check(Map<String, String> settings) throws ConfigException {
    build(settings, "localhost", 2113, "localhost", Path.of("."));
  }

  /** The door's and the store's configuration for the server's address, port and data dir. */
  public static EventStoreSettings build(
      Map<String, String> settings, String bindHost, int port, String advertisedHost, Path dataDir)
      throws ConfigException {
    String cert = settings.get(CERT_FILE);
    String key = settings.get(KEY_FILE);
    if ((cert == null) != (key == null)) {
      throw new ConfigException(
          CERT_FILE + " and " + KEY_FILE + " go together: give both or neither");
    }
    int maxAppend =
        SettingValues.intValue(
            settings, MAX_APPEND_BYTES, EventStoreLimits.DEFAULT.maxAppendBytes(), 1024, 64 << 20);
    Path home = dataDir.resolve("eventstore");
    EventStoreDoorConfig door =
        new EventStoreDoorConfig(
            bindHost,
            port,
            advertisedHost,
            SettingValues.boolValue(settings, TLS, false),
            cert == null ? null : Path.of(cert.strip()),
            key == null ? null : Path.of(key.strip()),
            home.resolve("tls"),
            maxAppend,
            EventStoreDoorConfig.SERVER_VERSION);
    return new EventStoreSettings(
        door,
        new EventStoreLimits(maxAppend, EventStoreLimits.DEFAULT.maxStreamNameBytes()),
        SettingValues.longValue(settings, SCAVENGE_INTERVAL, 3_600_000L, 0, Long.MAX_VALUE),
        home.resolve("index"));
  }
}
