package io.watershed.server.config;

import io.watershed.kafka.KafkaConfig;
import java.util.List;
import java.util.Map;

/**
 * The Kafka front door's settings, with Kafka's broker names under the {@code kafka.} prefix:
 *
 * <ul>
 *   <li>{@code kafka.auto.create.topics.enable} (true), {@code kafka.num.partitions} (1);
 *   <li>{@code kafka.socket.request.max.bytes} (104857600);
 *   <li>{@code kafka.advertised.port} (0: the bound port);
 *   <li>{@code kafka.group.initial.rebalance.delay.ms} (3000; only while members join together: a
 *       lone first member of a group does not wait), {@code kafka.group.min.session.timeout.ms}
 *       (6000), {@code kafka.group.max.session.timeout.ms} (1800000), {@code
 *       kafka.group.consumer.session.timeout.ms} (45000), {@code
 *       kafka.group.consumer.heartbeat.interval.ms} (5000).
 * </ul>
 */
public final class KafkaSettings {
  static final String AUTO_CREATE = "kafka.auto.create.topics.enable";
  static final String NUM_PARTITIONS = "kafka.num.partitions";
  static final String MAX_REQUEST_BYTES = "kafka.socket.request.max.bytes";
  static final String ADVERTISED_PORT = "kafka.advertised.port";
  static final String INITIAL_REBALANCE_DELAY = "kafka.group.initial.rebalance.delay.ms";
  static final String MIN_SESSION_TIMEOUT = "kafka.group.min.session.timeout.ms";
  static final String MAX_SESSION_TIMEOUT = "kafka.group.max.session.timeout.ms";
  static final String CONSUMER_SESSION_TIMEOUT = "kafka.group.consumer.session.timeout.ms";
  static final String CONSUMER_HEARTBEAT_INTERVAL = "kafka.group.consumer.heartbeat.interval.ms";

  private static final List<String> KEYS =
      List.of(
          AUTO_CREATE,
          NUM_PARTITIONS,
          MAX_REQUEST_BYTES,
          ADVERTISED_PORT,
          INITIAL_REBALANCE_DELAY,
          MIN_SESSION_TIMEOUT,
          MAX_SESSION_TIMEOUT,
          CONSUMER_SESSION_TIMEOUT,
          CONSUMER_HEARTBEAT_INTERVAL);

  private KafkaSettings() {}

  public static boolean isKnown(String key) {
    return KEYS.contains(key);
  }

  /** Validates the values, so that a bad one stops start-up with exit code 2. */
  static void check(Map<String, String> settings) throws ConfigException {
    build(settings, "localhost", 9092, "localhost");
  }

  /** The front door's configuration for the server's address and port. */
  public static KafkaConfig build(
      Map<String, String> settings, String bindHost, int port, String advertisedHost)
      throws ConfigException {
    KafkaConfig d = KafkaConfig.defaults(bindHost, port, advertisedHost);
    return new KafkaConfig(
        bindHost,
        port,
        advertisedHost,
        SettingValues.intValue(settings, ADVERTISED_PORT, 0, 0, 65535),
        d.nodeId(),
        SettingValues.intValue(
            settings, MAX_REQUEST_BYTES, d.maxRequestBytes(), 1024, Integer.MAX_VALUE - 4),
        d.maxInFlightPerConnection(),
        SettingValues.boolValue(settings, AUTO_CREATE, d.autoCreateTopics()),
        SettingValues.intValue(settings, NUM_PARTITIONS, d.defaultPartitions(), 1, 10_000),
        SettingValues.intValue(
            settings,
            INITIAL_REBALANCE_DELAY,
            d.groupInitialRebalanceDelayMs(),
            0,
            Integer.MAX_VALUE),
        SettingValues.intValue(
            settings, MIN_SESSION_TIMEOUT, d.groupMinSessionTimeoutMs(), 1, Integer.MAX_VALUE),
        SettingValues.intValue(
            settings, MAX_SESSION_TIMEOUT, d.groupMaxSessionTimeoutMs(), 1, Integer.MAX_VALUE),
        SettingValues.intValue(
            settings,
            CONSUMER_SESSION_TIMEOUT,
            d.consumerGroupSessionTimeoutMs(),
            1,
            Integer.MAX_VALUE),
        SettingValues.intValue(
            settings,
            CONSUMER_HEARTBEAT_INTERVAL,
            d.consumerGroupHeartbeatIntervalMs(),
            1,
            Integer.MAX_VALUE));
  }
}
