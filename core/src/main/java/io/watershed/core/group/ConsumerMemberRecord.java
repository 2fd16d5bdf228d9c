package io.watershed.core.group;

import java.util.List;
import java.util.Objects;

/**
 * One member of a consumer group (the protocol in which the coordinator assigns partitions): its
 * subscription and where it stands in reaching the assignment the coordinator chose for it.
 *
 * @param memberId the id the member chose
 * @param instanceId the static member's instance id, or null for a dynamic member
 * @param rackId the member's rack, or null
 * @param clientId the client id the member connected with
 * @param clientHost the address the member connected from
 * @param subscribedTopicNames topics the member subscribed to by name, sorted; copied
 * @param subscribedTopicRegex a regular expression topics must match to be subscribed, or null
 * @param serverAssignor the assignor the member asked for, or null for the default
 * @param rebalanceTimeoutMs how long the member may take to give up partitions it is asked to
 * @param memberEpoch the epoch of the member's current assignment; {@link #LEFT_STATIC_EPOCH} for a
 *     static member that left and may come back
 * @param previousMemberEpoch the epoch before the last change, accepted once more in case the
 *     member did not receive the answer that moved it on
 * @param state how far the member is from its target assignment
 * @param assigned partitions the member owns
 * @param pendingRevocation partitions the member was asked to give up and still owns
 * @param target the assignment the coordinator's assignor chose for the member
 */
public record ConsumerMemberRecord(
    String memberId,
    String instanceId,
    String rackId,
    String clientId,
    String clientHost,
    List<String> subscribedTopicNames,
    String subscribedTopicRegex,
    String serverAssignor,
    int rebalanceTimeoutMs,
    int memberEpoch,
    int previousMemberEpoch,
    MemberAssignmentState state,
    PartitionAssignment assigned,
    PartitionAssignment pendingRevocation,
    PartitionAssignment target) {

  /** The epoch of a static member that left the group and may rejoin within its session. */
  public static final int LEFT_STATIC_EPOCH = -2;

  /** Rejects nulls where a value is required; sorts and copies the subscribed names. */
  public ConsumerMemberRecord {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientHost, "clientHost");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(assigned, "assigned");
    Objects.requireNonNull(pendingRevocation, "pendingRevocation");
    Objects.requireNonNull(target, "target");
    subscribedTopicNames = subscribedTopicNames.stream().sorted().distinct().toList();
  }
}
