package io.watershed.kafka.group;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Keeping up membership of a classic group between rebalances: Heartbeat (which also tells a member
 * that a rebalance started, with REBALANCE_IN_PROGRESS) and LeaveGroup (one member, or a batch of
 * them by member id or by static instance id). Runs on its shard's owner.
 */
final class ClassicMembership {
  private final GroupShard shard;
  private final ClassicRebalancer rebalancer;

  ClassicMembership(GroupShard shard) {
    this.shard = shard;
    this.rebalancer = shard.rebalancer;
  }

  /** Heartbeat: the error code to answer with. */
  Errors heartbeat(HeartbeatRequestData request) {
    if (!(shard.group(request.groupId()) instanceof ClassicGroup group)) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    try {
      group.validateMember(request.memberId(), request.groupInstanceId());
    } catch (ApiException e) {
      return Errors.forException(e);
    }
    if (request.generationId() != group.generation()) {
      return Errors.ILLEGAL_GENERATION;
    }
    ClassicMember member = group.member(request.memberId());
    return switch (group.state()) {
      case EMPTY, DEAD -> Errors.UNKNOWN_MEMBER_ID;
      case PREPARING_REBALANCE -> {
        rebalancer.rescheduleSession(group, member);
        yield Errors.REBALANCE_IN_PROGRESS;
      }
      // Members heartbeat between JoinGroup and SyncGroup too; that is a normal heartbeat.
      case COMPLETING_REBALANCE, STABLE -> {
        rebalancer.rescheduleSession(group, member);
        yield Errors.NONE;
      }
    };
  }

  /** LeaveGroup: removes each named member and rebalances the group without them. */
  LeaveGroupResult leave(String groupId, List<MemberIdentity> leaving) {
    if (!(shard.group(groupId) instanceof ClassicGroup group)) {
      return new LeaveGroupResult(Errors.UNKNOWN_MEMBER_ID, List.of());
    }
    List<MemberResponse> answers = new ArrayList<>();
    boolean removedAny = false;
    for (MemberIdentity identity : leaving) {
      Errors error = leaveOne(group, identity);
      removedAny |= error == Errors.NONE;
      answers.add(
          new MemberResponse()
              .setMemberId(identity.memberId())
              .setGroupInstanceId(identity.groupInstanceId())
              .setErrorCode(error.code()));
    }
    if (removedAny) {
      switch (group.state()) {
        case STABLE, COMPLETING_REBALANCE -> rebalancer.maybePrepareRebalanceOrCompleteJoin(group);
        case PREPARING_REBALANCE -> rebalancer.maybeCompleteJoinPhase(group);
        case EMPTY, DEAD -> {}
      }
    }
    return new LeaveGroupResult(Errors.NONE, answers);
  }

  private Errors leaveOne(ClassicGroup group, MemberIdentity identity) {
    String memberId = identity.memberId();
    if (memberId.isEmpty()) {
      // An administrator removes a static member by its instance id alone.
      String instanceMember =
          identity.groupInstanceId() == null
              ? null
              : group.staticMemberId(identity.groupInstanceId());
      if (instanceMember == null) {
        return Errors.UNKNOWN_MEMBER_ID;
      }
      remove(group, instanceMember);
      return Errors.NONE;
    }
    if (group.isPendingMember(memberId)) {
      group.remove(memberId);
      return Errors.NONE;
    }
    try {
      group.validateMember(memberId, identity.groupInstanceId());
    } catch (ApiException e) {
      return Errors.forException(e);
    }
    remove(group, memberId);
    return Errors.NONE;
  }

  /** Removes a member; requests it still has parked are answered, so none is left hanging. */
  private static void remove(ClassicGroup group, String memberId) {
    ClassicMember member = group.member(memberId);
    member.completeJoin(ClassicRebalancer.joinError("", Errors.UNKNOWN_MEMBER_ID));
    member.completeSync(
        new SyncGroupResponseData()
            .setErrorCode(Errors.UNKNOWN_MEMBER_ID.code())
            .setAssignment(new byte[0]));
    group.remove(memberId);
  }
}
