package io.watershed.kafka.group;

import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.MemberAssignmentState;
import io.watershed.core.group.PartitionAssignment;
import java.util.List;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;

/**
 * The changes a consumer-group member's record goes through, each giving a new immutable record:
 * joining, updating its subscription from a heartbeat, getting a new target, leaving temporarily as
 * a static member, and coming back under a new member id. Pure and thread-safe.
 */
final class ConsumerMembers {
  private ConsumerMembers() {}

  /**
   * A member joining: epoch 0, nothing assigned, no target yet. Its subscription comes from the
   * same heartbeat through {@link #withSubscription}.
   */
  static ConsumerMemberRecord newMember(
      String memberId, ConsumerGroupHeartbeatRequestData request, GroupRequestContext context) {
    return new ConsumerMemberRecord(
        memberId,
        request.instanceId(),
        request.rackId(),
        context.clientId(),
        context.clientHost(),
        List.of(),
        null,
        null,
        request.rebalanceTimeoutMs(),
        0,
        0,
        MemberAssignmentState.STABLE,
        PartitionAssignment.EMPTY,
        PartitionAssignment.EMPTY,
        PartitionAssignment.EMPTY);
  }

  /** The member with what the heartbeat changes: fields left null (or -1) stay as they were. */
  static ConsumerMemberRecord withSubscription(
      ConsumerMemberRecord m, ConsumerGroupHeartbeatRequestData request, GroupRequestContext c) {
    String regex = m.subscribedTopicRegex();
    if (request.subscribedTopicRegex() != null) {
      regex = request.subscribedTopicRegex().isEmpty() ? null : request.subscribedTopicRegex();
    }
    return new ConsumerMemberRecord(
        m.memberId(),
        request.instanceId() != null ? request.instanceId() : m.instanceId(),
        request.rackId() != null ? request.rackId() : m.rackId(),
        c.clientId(),
        c.clientHost(),
        request.subscribedTopicNames() != null
            ? request.subscribedTopicNames()
            : m.subscribedTopicNames(),
        regex,
        request.serverAssignor() != null ? request.serverAssignor() : m.serverAssignor(),
        request.rebalanceTimeoutMs() != -1 ? request.rebalanceTimeoutMs() : m.rebalanceTimeoutMs(),
        m.memberEpoch(),
        m.previousMemberEpoch(),
        m.state(),
        m.assigned(),
        m.pendingRevocation(),
        m.target());
  }

  /** The member with a new target assignment. */
  static ConsumerMemberRecord withTarget(ConsumerMemberRecord m, PartitionAssignment target) {
    return new ConsumerMemberRecord(
        m.memberId(),
        m.instanceId(),
        m.rackId(),
        m.clientId(),
        m.clientHost(),
        m.subscribedTopicNames(),
        m.subscribedTopicRegex(),
        m.serverAssignor(),
        m.rebalanceTimeoutMs(),
        m.memberEpoch(),
        m.previousMemberEpoch(),
        m.state(),
        m.assigned(),
        m.pendingRevocation(),
        target);
  }

  static ConsumerMemberRecord away(ConsumerMemberRecord m) {
    return new ConsumerMemberRecord(
        m.memberId(),
        m.instanceId(),
        m.rackId(),
        m.clientId(),
        m.clientHost(),
        m.subscribedTopicNames(),
        m.subscribedTopicRegex(),
        m.serverAssignor(),
        m.rebalanceTimeoutMs(),
        ConsumerMemberRecord.LEFT_STATIC_EPOCH,
        m.previousMemberEpoch(),
        m.state() == MemberAssignmentState.UNREVOKED_PARTITIONS
            ? MemberAssignmentState.STABLE
            : m.state(),
        m.assigned(),
        PartitionAssignment.EMPTY,
        m.target());
  }

  /**
   * A static member's record taken over by the instance rejoining under {@code memberId}: its
   * partitions and target stay, its epochs restart at 0, and what it was revoking is released.
   */
  static ConsumerMemberRecord rejoinedAs(ConsumerMemberRecord existing, String memberId) {
    return new ConsumerMemberRecord(
        memberId,
        existing.instanceId(),
        existing.rackId(),
        existing.clientId(),
        existing.clientHost(),
        existing.subscribedTopicNames(),
        existing.subscribedTopicRegex(),
        existing.serverAssignor(),
        existing.rebalanceTimeoutMs(),
        0,
        0,
        existing.state(),
        existing.assigned(),
        PartitionAssignment.EMPTY,
        existing.target());
  }
}
