package io.watershed.kafka;

/**
 * Settings of the Kafka front door, with Kafka's names where Kafka has one.
 *
 * @param bindHost address to listen on
 * @param port port to listen on; 0 picks a free one
 * @param advertisedHost host name clients are told to connect to (Metadata, FindCoordinator)
 * @param advertisedPort port clients are told; 0 means the port actually bound
 * @param nodeId this broker's id (the only broker, the controller and every partition's leader)
 * @param maxRequestBytes largest request frame accepted (Kafka: socket.request.max.bytes)
 * @param maxInFlightPerConnection requests read from one connection before its responses are
 *     written; reading pauses beyond it
 * @param autoCreateTopics create a topic a client asks metadata for (auto.create.topics.enable)
 * @param defaultPartitions partitions of an auto-created topic (num.partitions)
 * @param groupInitialRebalanceDelayMs how long the first rebalance of an empty classic group waits
 *     for more members while others are joining with it (group.initial.rebalance.delay.ms); a lone
 *     first member does not wait
 * @param groupMinSessionTimeoutMs smallest session timeout a classic member may ask for
 * @param groupMaxSessionTimeoutMs largest session timeout a classic member may ask for
 * @param consumerGroupSessionTimeoutMs session timeout of consumer-protocol members
 *     (group.consumer.session.timeout.ms)
 * @param consumerGroupHeartbeatIntervalMs heartbeat interval told to consumer-protocol members
 *     (group.consumer.heartbeat.interval.ms)
 */
public record KafkaConfig(
    String bindHost,
    int port,
    String advertisedHost,
    int advertisedPort,
    int nodeId,
    int maxRequestBytes,
    int maxInFlightPerConnection,
    boolean autoCreateTopics,
    int defaultPartitions,
    int groupInitialRebalanceDelayMs,
    int groupMinSessionTimeoutMs,
    int groupMaxSessionTimeoutMs,
    int consumerGroupSessionTimeoutMs,
    int consumerGroupHeartbeatIntervalMs) {

  /** Kafka's defaults on the given address. */
  public static KafkaConfig defaults(String bindHost, int port, String advertisedHost) {
    return new KafkaConfig(
        bindHost,
        port,
        advertisedHost,
        0,
        0,
        100 * 1024 * 1024,
        64,
        true,
        1,
        3000,
        6000,
        1_800_000,
        45_000,
        5000);
  }

  public KafkaConfig withGroupInitialRebalanceDelayMs(int ms) {
    return new KafkaConfig(
        bindHost,
        port,
        advertisedHost,
        advertisedPort,
        nodeId,
        maxRequestBytes,
        maxInFlightPerConnection,
        autoCreateTopics,
        defaultPartitions,
        ms,
        groupMinSessionTimeoutMs,
        groupMaxSessionTimeoutMs,
        consumerGroupSessionTimeoutMs,
        consumerGroupHeartbeatIntervalMs);
  }

  public KafkaConfig withAutoCreateTopics(boolean enabled, int partitions) {
    return new KafkaConfig(
        bindHost,
        port,
        advertisedHost,
        advertisedPort,
        nodeId,
        maxRequestBytes,
        maxInFlightPerConnection,
        enabled,
        partitions,
        groupInitialRebalanceDelayMs,
        groupMinSessionTimeoutMs,
        groupMaxSessionTimeoutMs,
        consumerGroupSessionTimeoutMs,
        consumerGroupHeartbeatIntervalMs);
  }

  public KafkaConfig withMaxRequestBytes(int bytes) {
    return new KafkaConfig(
        bindHost,
        port,
        advertisedHost,
        advertisedPort,
        nodeId,
        bytes,
        maxInFlightPerConnection,
        autoCreateTopics,
        defaultPartitions,
        groupInitialRebalanceDelayMs,
        groupMinSessionTimeoutMs,
        groupMaxSessionTimeoutMs,
        consumerGroupSessionTimeoutMs,
        consumerGroupHeartbeatIntervalMs);
  }

  public KafkaConfig withAdvertisedPort(int p) {
    return new KafkaConfig(
        bindHost,
        port,
        advertisedHost,
        p,
        nodeId,
        maxRequestBytes,
        maxInFlightPerConnection,
        autoCreateTopics,
        defaultPartitions,
        groupInitialRebalanceDelayMs,
        groupMinSessionTimeoutMs,
        groupMaxSessionTimeoutMs,
        consumerGroupSessionTimeoutMs,
        consumerGroupHeartbeatIntervalMs);
  }
}
