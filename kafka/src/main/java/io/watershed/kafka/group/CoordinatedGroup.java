package io.watershed.kafka.group;

/**
 * A group the coordinator manages in memory: a classic group, or a consumer group in which the
 * coordinator assigns partitions. Groups that only have committed offsets live in the durable state
 * alone and are not coordinated.
 */
sealed interface CoordinatedGroup permits ClassicGroup, ConsumerGroup {

  String groupId();

  /** Whether the group has members (a static member that left and may return counts). */
  boolean hasMembers();

  /** The state's name as Kafka reports it in ListGroups and DescribeGroups. */
  String stateName();

  /** The group type as Kafka names it: {@code classic} or {@code consumer}. */
  default String typeName() {
    return this instanceof ClassicGroup ? "classic" : "consumer";
  }
}
