package io.watershed.kafka.group;

import io.watershed.kafka.KafkaConfig;

/**
 * The coordinator's settings, with Kafka's names.
 *
 * @param initialRebalanceDelayMs how long the first rebalance of an empty classic group waits for
 *     more members when others are joining with the first (group.initial.rebalance.delay.ms); a
 *     lone first member gets its assignment at once
 * @param minSessionTimeoutMs smallest session timeout a classic member may ask for
 *     (group.min.session.timeout.ms)
 * @param maxSessionTimeoutMs largest session timeout a classic member may ask for
 *     (group.max.session.timeout.ms)
 * @param newMemberJoinTimeoutMs how long a new classic member's JoinGroup may wait for the
 *     rebalance before the member is dropped (Kafka's fixed 5 minutes)
 * @param consumerSessionTimeoutMs session timeout of consumer-protocol members
 *     (group.consumer.session.timeout.ms)
 * @param consumerHeartbeatIntervalMs heartbeat interval told to consumer-protocol members
 *     (group.consumer.heartbeat.interval.ms)
 * @param offsetMetadataMaxBytes longest metadata string an offset commit may carry
 *     (offset.metadata.max.bytes)
 */
public record GroupCoordinatorConfig(
    int initialRebalanceDelayMs,
    int minSessionTimeoutMs,
    int maxSessionTimeoutMs,
    int newMemberJoinTimeoutMs,
    int consumerSessionTimeoutMs,
    int consumerHeartbeatIntervalMs,
    int offsetMetadataMaxBytes) {

  /** Kafka's fixed timeout for a new member's pending JoinGroup. */
  public static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;

  /** Kafka's default offset.metadata.max.bytes. */
  public static final int OFFSET_METADATA_MAX_BYTES = 4096;

  /** The group settings of the Kafka front door's configuration. */
  public static GroupCoordinatorConfig from(KafkaConfig config) {
    return new GroupCoordinatorConfig(
        config.groupInitialRebalanceDelayMs(),
        config.groupMinSessionTimeoutMs(),
        config.groupMaxSessionTimeoutMs(),
        NEW_MEMBER_JOIN_TIMEOUT_MS,
        config.consumerGroupSessionTimeoutMs(),
        config.consumerGroupHeartbeatIntervalMs(),
        OFFSET_METADATA_MAX_BYTES);
  }
}
