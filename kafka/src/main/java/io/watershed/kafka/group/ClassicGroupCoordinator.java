package io.watershed.kafka.group;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebalances of classic groups: JoinGroup and SyncGroup, and the timers that drive a rebalance on
 * when members are slow or gone (session expiry, the join phase's deadline, the sync phase's
 * deadline, the initial delay of an empty group).
 *
 * <p>A rebalance: the group moves to PreparingRebalance and parks every member's JoinGroup until
 * all have rejoined or the longest rebalance timeout passes (members that did not rejoin are
 * dropped); the next generation starts in CompletingRebalance, the leader is told all members'
 * metadata, and every member's SyncGroup is parked until the leader sends the assignment, which is
 * written durably before anyone receives it; then the group is Stable. The rules and error codes
 * follow Kafka's coordinator, including KIP-394 (a new member first gets MEMBER_ID_REQUIRED) and
 * KIP-345 (static members keep their assignment when they rejoin under a new member id).
 *
 * <p>Every method runs on its shard's owner, as part of a write operation (see {@link GroupShard}).
 * Heartbeats and LeaveGroup are in {@link ClassicMembership}, which shares the rebalance steps
 * through {@link ClassicRebalancer}.
 */
final class ClassicGroupCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(ClassicGroupCoordinator.class);

  private final GroupShard shard;
  private final GroupCoordinatorConfig config;

  ClassicGroupCoordinator(GroupShard shard) {
    this.shard = shard;
    this.config = shard.config;
  }

  /** JoinGroup: the answer may come much later, when the join phase completes. */
  CompletableFuture<JoinGroupResponseData> join(
      GroupRequestContext context, JoinGroupRequestData request) {
    CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
    String memberId = request.memberId();
    if (request.groupId() == null || request.groupId().isEmpty()) {
      return failed(response, memberId, Errors.INVALID_GROUP_ID);
    }
    if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
        || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
      return failed(response, memberId, Errors.INVALID_SESSION_TIMEOUT);
    }
    if (request.groupInstanceId() != null && request.groupInstanceId().isEmpty()) {
      return failed(response, memberId, Errors.INVALID_REQUEST);
    }
    boolean unknownMember = memberId.isEmpty();
    ClassicGroup group;
    switch (shard.group(request.groupId())) {
      case ClassicGroup g -> group = g;
      case ConsumerGroup g when g.hasMembers() -> {
        return failed(response, memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
      }
      case null, default -> {
        // A missing group, or an empty consumer group: a classic group takes its place. Its
        // record is replaced when the first generation completes.
        if (!unknownMember) {
          return failed(response, memberId, Errors.UNKNOWN_MEMBER_ID);
        }
        group = new ClassicGroup(request.groupId());
        shard.putClassic(group);
      }
    }
    if (unknownMember) {
      joinNewMember(context, request, group, response);
    } else {
      joinExistingMember(context, request, group, response);
    }
    return response;
  }

  private void joinNewMember(
      GroupRequestContext context,
      JoinGroupRequestData request,
      ClassicGroup group,
      CompletableFuture<JoinGroupResponseData> response) {
    List<ClassicProtocol> protocols = ClassicProtocol.of(request.protocols());
    if (!group.supportsProtocols(request.protocolType(), protocols)) {
      failed(response, "", Errors.INCONSISTENT_GROUP_PROTOCOL);
      return;
    }
    String instanceId = request.groupInstanceId();
    String newMemberId =
        (instanceId != null ? instanceId : context.clientId()) + "-" + UUID.randomUUID();
    if (instanceId != null) {
      String existing = group.staticMemberId(instanceId);
      if (existing != null) {
        shard.rebalancer.replaceStaticMember(
            context, request, group, existing, newMemberId, response);
      } else {
        addMember(context, request, group, newMemberId, response);
      }
    } else if (JoinGroupRequest.requiresKnownMemberId(context.apiVersion())) {
      // KIP-394: hand out the id and wait for the member to come back with it, so that a client
      // retrying a JoinGroup whose answer it lost does not leave a ghost member behind.
      group.addPendingMember(
          newMemberId,
          shard.rebalancer.schedule(
              group,
              "pending",
              newMemberId,
              request.sessionTimeoutMs(),
              g -> shard.rebalancer.expirePending(g, newMemberId)));
      response.complete(
          new JoinGroupResponseData()
              .setMemberId(newMemberId)
              .setErrorCode(Errors.MEMBER_ID_REQUIRED.code()));
    } else {
      addMember(context, request, group, newMemberId, response);
    }
  }

  private void joinExistingMember(
      GroupRequestContext context,
      JoinGroupRequestData request,
      ClassicGroup group,
      CompletableFuture<JoinGroupResponseData> response) {
    String memberId = request.memberId();
    List<ClassicProtocol> protocols = ClassicProtocol.of(request.protocols());
    if (!group.supportsProtocols(request.protocolType(), protocols)) {
      failed(response, memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
      return;
    }
    if (group.isPendingMember(memberId)) {
      if (request.groupInstanceId() != null) {
        failed(response, memberId, Errors.INVALID_REQUEST);
        return;
      }
      addMember(context, request, group, memberId, response);
      return;
    }
    try {
      group.validateMember(memberId, request.groupInstanceId());
    } catch (ApiException e) {
      failed(response, memberId, Errors.forException(e));
      return;
    }
    ClassicMember member = group.member(memberId);
    switch (group.state()) {
      case PREPARING_REBALANCE ->
          shard.rebalancer.updateMemberAndRebalance(request, group, member, response);
      case COMPLETING_REBALANCE -> {
        if (member.matches(protocols)) {
          // The member lost the answer to its JoinGroup: tell it again.
          response.complete(currentGeneration(group, memberId, group.isLeader(memberId), false));
        } else {
          shard.rebalancer.updateMemberAndRebalance(request, group, member, response);
        }
      }
      case STABLE -> {
        // A rejoining leader forces a rebalance: it is how a consumer asks for a new assignment
        // when topic metadata changed without its subscription changing.
        if (group.isLeader(memberId) || !member.matches(protocols)) {
          shard.rebalancer.updateMemberAndRebalance(request, group, member, response);
        } else {
          response.complete(currentGeneration(group, memberId, false, false));
        }
      }
      case EMPTY, DEAD -> failed(response, memberId, Errors.UNKNOWN_MEMBER_ID);
    }
  }

  private void addMember(
      GroupRequestContext context,
      JoinGroupRequestData request,
      ClassicGroup group,
      String memberId,
      CompletableFuture<JoinGroupResponseData> response) {
    ClassicMember member =
        new ClassicMember(
            memberId,
            request.groupInstanceId(),
            context.clientId(),
            context.clientHost(),
            rebalanceTimeoutOf(request),
            request.sessionTimeoutMs(),
            request.protocolType(),
            ClassicProtocol.of(request.protocols()));
    shard.rebalancer.addMemberAndRebalance(group, member, response);
  }

  /** SyncGroup: the leader's call is answered once the assignment is durable. */
  CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData request) {
    CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
    if (!(shard.group(request.groupId()) instanceof ClassicGroup group) || !group.hasMembers()) {
      response.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
      return response;
    }
    String memberId = request.memberId();
    try {
      group.validateMember(memberId, request.groupInstanceId());
    } catch (ApiException e) {
      response.complete(syncError(Errors.forException(e)));
      return response;
    }
    if (request.generationId() != group.generation()) {
      response.complete(syncError(Errors.ILLEGAL_GENERATION));
      return response;
    }
    if (inconsistent(request.protocolType(), group.protocolType())
        || inconsistent(request.protocolName(), group.protocolName())) {
      response.complete(syncError(Errors.INCONSISTENT_GROUP_PROTOCOL));
      return response;
    }
    ClassicMember member = group.member(memberId);
    switch (group.state()) {
      case PREPARING_REBALANCE -> response.complete(syncError(Errors.REBALANCE_IN_PROGRESS));
      case COMPLETING_REBALANCE -> {
        member.completeSync(syncError(Errors.REBALANCE_IN_PROGRESS));
        member.syncFuture = response;
        shard.rebalancer.receivedSync(group, memberId);
        if (group.isLeader(memberId)) {
          Map<String, byte[]> assignments = new HashMap<>();
          request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
          shard.rebalancer.storeAssignment(group, assignments);
        }
      }
      case STABLE -> {
        shard.rebalancer.receivedSync(group, memberId);
        response.complete(
            new SyncGroupResponseData()
                .setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName())
                .setAssignment(member.assignment.toArray()));
      }
      case EMPTY, DEAD -> response.complete(syncError(Errors.UNKNOWN_MEMBER_ID));
    }
    return response;
  }

  /** The answer telling a member the current generation, for a JoinGroup that changes nothing. */
  static JoinGroupResponseData currentGeneration(
      ClassicGroup group, String memberId, boolean withMembers, boolean skipAssignment) {
    return new JoinGroupResponseData()
        .setMembers(withMembers ? group.membersForLeader() : List.of())
        .setMemberId(memberId)
        .setGenerationId(group.generation())
        .setProtocolName(group.protocolName())
        .setProtocolType(group.protocolType())
        .setLeader(group.leaderId())
        .setSkipAssignment(skipAssignment);
  }

  /** JoinGroup v0 has no rebalance timeout: the session timeout serves as one, as in Kafka. */
  static int rebalanceTimeoutOf(JoinGroupRequestData request) {
    return request.rebalanceTimeoutMs() > 0
        ? request.rebalanceTimeoutMs()
        : request.sessionTimeoutMs();
  }

  private static boolean inconsistent(String requested, String actual) {
    return requested != null && !requested.equals(actual);
  }

  private static SyncGroupResponseData syncError(Errors error) {
    return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(new byte[0]);
  }

  private static CompletableFuture<JoinGroupResponseData> failed(
      CompletableFuture<JoinGroupResponseData> response, String memberId, Errors error) {
    LOG.debug("JoinGroup of member '{}' refused: {}", memberId, error);
    response.complete(
        new JoinGroupResponseData()
            .setMemberId(memberId)
            .setErrorCode(error.code())
            .setProtocolName(null)
            .setLeader(""));
    return response;
  }
}
