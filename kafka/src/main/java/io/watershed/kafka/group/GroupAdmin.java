package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorResult;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.PartitionAssignment;
import io.watershed.kafka.KafkaBroker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.TopicPartitions;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;

/**
 * The administrative group APIs: ListGroups, DescribeGroups (classic groups), ConsumerGroupDescribe
 * (consumer groups) and DeleteGroups. A group that only has committed offsets is listed and
 * described as Kafka shows it: an empty classic group with no protocol type. Runs on its shard's
 * owner; the coordinator merges the shards' answers.
 */
final class GroupAdmin {
  /** AuthorizedOperations when the client did not ask for them (Kafka's sentinel). */
  private static final int OPERATIONS_OMITTED = Integer.MIN_VALUE;

  /** KIP-1099's member type of a member using the consumer protocol. */
  private static final byte CONSUMER_MEMBER_TYPE = 1;

  private final GroupShard shard;
  private final TopicLookup persistence;

  GroupAdmin(GroupShard shard) {
    this.shard = shard;
    this.persistence = shard.topics;
  }

  /**
   * ListGroups of this shard: every group whose state and type pass the filters (case-insensitive;
   * an empty filter passes everything), sorted by id.
   */
  List<ListedGroup> list(
      GroupShardState state, List<String> statesFilter, List<String> typesFilter) {
    Set<String> states = lowerCase(statesFilter);
    Set<String> types = lowerCase(typesFilter);
    Map<String, ListedGroup> listed = new TreeMap<>();
    for (CoordinatedGroup g : shard.allGroups()) {
      listed.put(
          g.groupId(),
          new ListedGroup()
              .setGroupId(g.groupId())
              .setProtocolType(protocolType(g))
              .setGroupState(g.stateName())
              .setGroupType(g.typeName()));
    }
    for (String groupId : state.allOffsets().keys()) {
      if (shard.offsets.visibleOffsets(state, groupId).isEmpty()) {
        continue;
      }
      listed.computeIfAbsent(
          groupId,
          id ->
              new ListedGroup()
                  .setGroupId(id)
                  .setProtocolType("")
                  .setGroupState(ClassicGroupState.EMPTY.kafkaName())
                  .setGroupType("classic"));
    }
    return listed.values().stream()
        .filter(g -> states.isEmpty() || states.contains(g.groupState().toLowerCase(Locale.ROOT)))
        .filter(g -> types.isEmpty() || types.contains(g.groupType().toLowerCase(Locale.ROOT)))
        .toList();
  }

  private static String protocolType(CoordinatedGroup group) {
    return switch (group) {
      case ClassicGroup g -> g.protocolType() == null ? "" : g.protocolType();
      case ConsumerGroup g -> "consumer";
    };
  }

  /**
   * DescribeGroups of classic groups. A stable group shows each member's metadata for the selected
   * protocol and its assignment; other states show members only. An unknown group, or a consumer
   * group, is Dead (with GROUP_ID_NOT_FOUND from version 6, as Kafka answers).
   */
  DescribedGroup describe(GroupShardState state, String id, short version) {
    CoordinatedGroup group = shard.group(id);
    if (group instanceof ClassicGroup g) {
      return describe(g);
    } else if (group == null && !shard.offsets.visibleOffsets(state, id).isEmpty()) {
      return new DescribedGroup()
          .setGroupId(id)
          .setGroupState(ClassicGroupState.EMPTY.kafkaName())
          .setProtocolType("")
          .setProtocolData("")
          .setAuthorizedOperations(OPERATIONS_OMITTED);
    } else {
      DescribedGroup dead =
          new DescribedGroup()
              .setGroupId(id)
              .setGroupState(ClassicGroupState.DEAD.kafkaName())
              .setProtocolType("")
              .setProtocolData("")
              .setAuthorizedOperations(OPERATIONS_OMITTED);
      if (version >= 6) {
        dead.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
            .setErrorMessage(
                group == null
                    ? "Group " + id + " not found."
                    : "Group " + id + " is not a classic group.");
      }
      return dead;
    }
  }

  private static DescribedGroup describe(ClassicGroup g) {
    boolean stable = g.isIn(ClassicGroupState.STABLE);
    List<DescribedGroupMember> members = new ArrayList<>();
    for (ClassicMember m : g.members()) {
      members.add(
          new DescribedGroupMember()
              .setMemberId(m.memberId)
              .setGroupInstanceId(m.groupInstanceId)
              .setClientId(m.clientId)
              .setClientHost(m.clientHost)
              .setMemberMetadata(stable ? m.metadata(g.protocolName()).toArray() : new byte[0])
              .setMemberAssignment(stable ? m.assignment.toArray() : new byte[0]));
    }
    return new DescribedGroup()
        .setGroupId(g.groupId())
        .setGroupState(g.stateName())
        .setProtocolType(g.protocolType() == null ? "" : g.protocolType())
        .setProtocolData(stable ? g.protocolName() : "")
        .setMembers(members)
        .setAuthorizedOperations(OPERATIONS_OMITTED);
  }

  /** ConsumerGroupDescribe: consumer groups with members, current and target assignments. */
  ConsumerGroupDescribeResponseData.DescribedGroup describeConsumerGroup(String id) {
    ConsumerGroupDescribeResponseData.DescribedGroup d =
        new ConsumerGroupDescribeResponseData.DescribedGroup()
            .setGroupId(id)
            .setAuthorizedOperations(OPERATIONS_OMITTED);
    switch (shard.group(id)) {
      case ConsumerGroup g -> {
        d.setGroupState(g.stateName())
            .setGroupEpoch(g.groupEpoch())
            .setAssignmentEpoch(g.assignmentEpoch())
            .setAssignorName(UniformAssignor.NAME);
        for (ConsumerMemberRecord m : g.members()) {
          d.members().add(describe(m));
        }
      }
      case null ->
          d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
              .setErrorMessage("Group " + id + " not found.");
      case ClassicGroup g ->
          d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
              .setErrorMessage("Group " + id + " is not a consumer group.");
    }
    return d;
  }

  private ConsumerGroupDescribeResponseData.Member describe(ConsumerMemberRecord m) {
    return new ConsumerGroupDescribeResponseData.Member()
        .setMemberId(m.memberId())
        .setInstanceId(m.instanceId())
        .setRackId(m.rackId())
        .setMemberEpoch(m.memberEpoch())
        .setClientId(m.clientId())
        .setClientHost(m.clientHost())
        .setSubscribedTopicNames(m.subscribedTopicNames())
        .setSubscribedTopicRegex(m.subscribedTopicRegex())
        .setAssignment(assignment(m.assigned()))
        .setTargetAssignment(assignment(m.target()))
        .setMemberType(CONSUMER_MEMBER_TYPE);
  }

  /** An assignment with topic names; partitions of topics deleted since are left out. */
  private ConsumerGroupDescribeResponseData.Assignment assignment(PartitionAssignment a) {
    ConsumerGroupDescribeResponseData.Assignment out =
        new ConsumerGroupDescribeResponseData.Assignment();
    a.partitions()
        .forEach(
            (topic, partitions) ->
                persistence
                    .topic(topic)
                    .ifPresent(
                        t ->
                            out.topicPartitions()
                                .add(
                                    new TopicPartitions()
                                        .setTopicId(KafkaBroker.toKafka(topic))
                                        .setTopicName(t.name())
                                        .setPartitions(new ArrayList<>(partitions)))));
    return out;
  }

  /**
   * DeleteGroups of one group: a group with members is refused (NON_EMPTY_GROUP); an unknown one is
   * GROUP_ID_NOT_FOUND; others lose every record (tombstones), answered once durable.
   */
  CoordinatorResult<DeletableGroupResult> delete(GroupShardState state, String id) {
    CoordinatedGroup group = shard.group(id);
    DeletableGroupResult result = new DeletableGroupResult().setGroupId(id);
    if (group != null && group.hasMembers()) {
      return CoordinatorResult.of(result.setErrorCode(Errors.NON_EMPTY_GROUP.code()));
    }
    if (group == null && !state.hasRecords(id)) {
      return CoordinatorResult.of(result.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()));
    }
    // A failed write rebuilds the state with the group's records, which make it live again.
    shard.dropClassic(id);
    return CoordinatorResult.of(state.deleteRecords(id), result);
  }

  private static Set<String> lowerCase(List<String> values) {
    Set<String> out = new HashSet<>();
    if (values != null) {
      values.forEach(v -> out.add(v.toLowerCase(Locale.ROOT)));
    }
    return out;
  }
}
