package io.watershed.kafka.group;

import java.util.List;
import java.util.Map;

/**
 * A coordinated group as an operator sees it, without Kafka's wire types: for the admin API and the
 * console. Groups that only have committed offsets are not coordinated and have no view; their
 * offsets are in core's group store.
 *
 * @param groupId the group id
 * @param type {@code classic} or {@code consumer}
 * @param state Kafka's state name ({@code Stable}, {@code Empty}, {@code PreparingRebalance} …)
 * @param protocol the selected assignment protocol of a classic group ({@code range} …), or the
 *     server assignor of a consumer group; empty when none
 * @param members the members, sorted by member id
 */
public record GroupView(
    String groupId, String type, String state, String protocol, List<Member> members) {

  /**
   * One member.
   *
   * @param assignment the partitions it owns, by topic name; empty when unknown (a classic member
   *     whose assignment is not a consumer's)
   */
  public record Member(
      String memberId,
      String instanceId,
      String clientId,
      String clientHost,
      Map<String, List<Integer>> assignment) {}
}
