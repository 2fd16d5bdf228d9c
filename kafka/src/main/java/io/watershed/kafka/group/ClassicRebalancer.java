package io.watershed.kafka.group;

import io.watershed.core.group.Bytes;
import io.watershed.core.schedule.SerialScheduler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a classic group's rebalance, shared by the request handlers ({@link
 * ClassicGroupCoordinator}, {@link ClassicMembership}) and driven on by timers: start a rebalance,
 * complete the join phase into a new generation, store and hand out the leader's assignment, and
 * remove members that stopped heartbeating or did not rejoin or sync in time.
 *
 * <p>Timers hold the group object they were set for and do nothing once it is no longer the live
 * group of its id. Runs on its shard's owner only.
 */
final class ClassicRebalancer {
  private static final Logger LOG = LoggerFactory.getLogger(ClassicRebalancer.class);

  private final GroupShard shard;
  private final GroupCoordinatorConfig config;

  ClassicRebalancer(GroupShard shard) {
    this.shard = shard;
    this.config = shard.config;
  }

  /**
   * Runs {@code action} on {@code group} after {@code delayMs} as an operation of the shard (its
   * records written as any other's), if it is still the live group; replaces the group's timer of
   * the same kind and member.
   *
   * @param kind what the timer is for: {@code session}, {@code pending}, {@code join}, {@code sync}
   * @param memberId the member it is for, or null for the group's own timers
   */
  SerialScheduler.Timer schedule(
      ClassicGroup group,
      String kind,
      String memberId,
      long delayMs,
      Consumer<ClassicGroup> action) {
    return shard.schedule(
        GroupShard.timerKey("classic-" + kind, group.groupId(), memberId),
        delayMs,
        () -> {
          if (shard.isCurrent(group)) {
            action.accept(group);
          }
        });
  }

  /** Cancels every timer of a group that is no longer served (deleted or replaced). */
  void cancelTimers(ClassicGroup group) {
    group.cancelTimers();
  }

  /** Starts tracking the members of a group loaded from durable state. */
  void resume(ClassicGroup group) {
    for (ClassicMember member : group.members()) {
      rescheduleSession(group, member, member.sessionTimeoutMs);
    }
  }

  /** Restarts the member's session timer with its session timeout. */
  void rescheduleSession(ClassicGroup group, ClassicMember member) {
    rescheduleSession(group, member, member.sessionTimeoutMs);
  }

  private void rescheduleSession(ClassicGroup group, ClassicMember member, long timeoutMs) {
    member.cancelSessionTimer();
    String memberId = member.memberId;
    member.sessionTimer =
        schedule(group, "session", memberId, timeoutMs, g -> expireSession(g, memberId));
  }

  /** A member id handed out with MEMBER_ID_REQUIRED was not used within the session timeout. */
  void expirePending(ClassicGroup group, String memberId) {
    if (group.isPendingMember(memberId)) {
      group.remove(memberId);
      if (group.isIn(ClassicGroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
        completeJoin(group);
      }
    }
  }

  private void expireSession(ClassicGroup group, String memberId) {
    ClassicMember member = group.member(memberId);
    if (member != null && !member.hasSatisfiedHeartbeat()) {
      LOG.info("Member {} of group {} timed out; removing it.", memberId, group.groupId());
      removeMemberAndUpdate(group, member);
    }
  }

  /** Adds a new member with its parked JoinGroup and rebalances (or completes the join phase). */
  void addMemberAndRebalance(
      ClassicGroup group, ClassicMember member, CompletableFuture<JoinGroupResponseData> response) {
    member.isNew = true;
    if (group.isIn(ClassicGroupState.PREPARING_REBALANCE)
        && group.previousState() == ClassicGroupState.EMPTY) {
      group.newMemberAdded = true;
    }
    group.add(member, response);
    // A new member cannot heartbeat while its JoinGroup is parked, and a client that gave up on
    // it will retry as yet another member: bound how long it may wait.
    rescheduleSession(group, member, config.newMemberJoinTimeoutMs());
    maybePrepareRebalanceOrCompleteJoin(group);
  }

  /** Updates a rejoining member, parks its JoinGroup and rebalances. */
  void updateMemberAndRebalance(
      JoinGroupRequestData request,
      ClassicGroup group,
      ClassicMember member,
      CompletableFuture<JoinGroupResponseData> response) {
    member.completeJoin(joinError(member.memberId, Errors.REBALANCE_IN_PROGRESS));
    group.updateMember(
        member,
        ClassicProtocol.of(request.protocols()),
        ClassicGroupCoordinator.rebalanceTimeoutOf(request),
        request.sessionTimeoutMs(),
        response);
    maybePrepareRebalanceOrCompleteJoin(group);
  }

  /**
   * A static member rejoined under a new member id. In a stable group whose protocol stays the
   * same, it takes over its assignment without a rebalance once the group with the new id is
   * durable, and nothing changes before (a failed write leaves the old member in place); otherwise
   * the new id replaces the old at once and the group rebalances.
   */
  void replaceStaticMember(
      GroupRequestContext context,
      JoinGroupRequestData request,
      ClassicGroup group,
      String oldMemberId,
      String newMemberId,
      CompletableFuture<JoinGroupResponseData> response) {
    List<ClassicProtocol> protocols = ClassicProtocol.of(request.protocols());
    int rebalanceTimeoutMs = ClassicGroupCoordinator.rebalanceTimeoutOf(request);
    int sessionTimeoutMs = request.sessionTimeoutMs();
    String instanceId = request.groupInstanceId();
    if (!group.isIn(ClassicGroupState.STABLE)
        || !group.selectProtocol(oldMemberId, protocols).equals(group.protocolName())) {
      replace(group, instanceId, oldMemberId, newMemberId, protocols, request, response);
      switch (group.state()) {
        case STABLE -> maybePrepareRebalanceOrCompleteJoin(group);
        // The old member id may already be in the leader's hands: only a new generation gives
        // the new id an assignment.
        case COMPLETING_REBALANCE -> prepareRebalance(group);
        default -> maybeCompleteJoinPhase(group);
      }
      return;
    }
    int generation = group.generation();
    shard
        .writeClassic(
            group.groupId(),
            group.recordReplacingStatic(
                oldMemberId, newMemberId, protocols, rebalanceTimeoutMs, sessionTimeoutMs))
        .whenComplete(
            (ok, failure) -> {
              // On the shard's owner, once the write is committed or failed.
              if (failure != null) {
                GroupShard.logFailure("static member " + newMemberId, group.groupId(), failure);
                response.complete(joinError("", GroupErrors.ofWriteFailure(failure)));
                return;
              }
              if (!shard.isCurrent(group)
                  || !oldMemberId.equals(group.staticMemberId(instanceId))) {
                // The old member left or was replaced meanwhile: join afresh.
                response.complete(joinError(newMemberId, Errors.UNKNOWN_MEMBER_ID));
                return;
              }
              ClassicMember member =
                  replace(
                      group, instanceId, oldMemberId, newMemberId, protocols, request, response);
              if (group.isIn(ClassicGroupState.STABLE) && group.generation() == generation) {
                // KIP-814: a rejoining leader is told its members but need not assign.
                boolean leader = group.isLeader(newMemberId);
                boolean skip =
                    leader && JoinGroupRequest.supportsSkippingAssignment(context.apiVersion());
                member.completeJoin(
                    ClassicGroupCoordinator.currentGeneration(group, newMemberId, skip, skip));
              } else if (group.isIn(ClassicGroupState.COMPLETING_REBALANCE)) {
                prepareRebalance(group);
              } else {
                maybePrepareRebalanceOrCompleteJoin(group);
              }
            });
  }

  /** Gives the static member its new id and parks its JoinGroup in {@code response}. */
  private ClassicMember replace(
      ClassicGroup group,
      String instanceId,
      String oldMemberId,
      String newMemberId,
      List<ClassicProtocol> protocols,
      JoinGroupRequestData request,
      CompletableFuture<JoinGroupResponseData> response) {
    ClassicMember member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    rescheduleSession(group, member);
    group.updateMember(
        member,
        protocols,
        ClassicGroupCoordinator.rebalanceTimeoutOf(request),
        request.sessionTimeoutMs(),
        response);
    return member;
  }

  /** Starts a rebalance when the state allows one; otherwise tries to complete the join phase. */
  void maybePrepareRebalanceOrCompleteJoin(ClassicGroup group) {
    if (group.canRebalance()) {
      prepareRebalance(group);
    } else {
      maybeCompleteJoinPhase(group);
    }
  }

  /** Completes the join phase if every member rejoined, except during the initial delay. */
  void maybeCompleteJoinPhase(ClassicGroup group) {
    if (group.isIn(ClassicGroupState.PREPARING_REBALANCE)
        && group.previousState() != ClassicGroupState.EMPTY
        && group.hasAllMembersJoined()) {
      completeJoin(group);
    }
  }

  /** Moves the group to PreparingRebalance and sets the deadline of the join phase. */
  void prepareRebalance(ClassicGroup group) {
    if (group.isIn(ClassicGroupState.COMPLETING_REBALANCE)) {
      resetAndPropagateAssignment(group, Errors.REBALANCE_IN_PROGRESS);
    }
    cancelSyncDeadline(group);
    boolean initial = group.isIn(ClassicGroupState.EMPTY);
    group.transitionTo(ClassicGroupState.PREPARING_REBALANCE);
    LOG.info(
        "Group {} is rebalancing from generation {} with {} members.",
        group.groupId(),
        group.generation(),
        group.size());
    if (initial && !group.hasPendingMembers() && group.hasAllMembersJoined()) {
      // Nobody else is joining: the first member gets its assignment at once instead of waiting
      // out the initial delay for members that are not coming (Kafka makes it wait, 3 s by
      // default). A member that comes later starts an ordinary rebalance.
      completeJoin(group);
    } else if (initial) {
      // Others are joining too (they hold member ids from MEMBER_ID_REQUIRED and have not joined
      // yet): as Kafka does, wait a little for more members, each new one extending the wait, up
      // to the rebalance timeout: one rebalance instead of many as a fleet of consumers starts.
      int delay = config.initialRebalanceDelayMs();
      int remaining = Math.max(group.rebalanceTimeoutMs() - delay, 0);
      setJoinDeadline(group, delay, g -> completeInitialRebalance(g, delay, remaining));
    } else if (group.hasAllMembersJoined()) {
      completeJoin(group);
    } else {
      setJoinDeadline(group, group.rebalanceTimeoutMs(), this::completeJoin);
    }
  }

  private void completeInitialRebalance(ClassicGroup group, int delay, int remaining) {
    if (group.newMemberAdded && remaining != 0) {
      group.newMemberAdded = false;
      int nextDelay = Math.min(config.initialRebalanceDelayMs(), remaining);
      int nextRemaining = Math.max(remaining - delay, 0);
      setJoinDeadline(group, nextDelay, g -> completeInitialRebalance(g, nextDelay, nextRemaining));
    } else {
      completeJoin(group);
    }
  }

  private void setJoinDeadline(ClassicGroup group, long delayMs, Consumer<ClassicGroup> action) {
    if (group.joinTimer != null) {
      group.joinTimer.cancel();
    }
    group.joinTimer = schedule(group, "join", null, delayMs, action);
  }

  /**
   * Ends the join phase: members that did not rejoin are dropped (static members stay, as they may
   * return), and the next generation starts, or the group becomes empty.
   */
  void completeJoin(ClassicGroup group) {
    if (!group.isIn(ClassicGroupState.PREPARING_REBALANCE)) {
      return;
    }
    if (group.joinTimer != null) {
      group.joinTimer.cancel();
      group.joinTimer = null;
    }
    for (ClassicMember m : group.notYetRejoined()) {
      if (!m.isStatic()) {
        group.remove(m.memberId);
      }
    }
    if (!group.maybeElectNewJoinedLeader() && group.hasMembers()) {
      // Nobody rejoined: wait for the session timeouts to remove the silent members.
      setJoinDeadline(group, group.rebalanceTimeoutMs(), this::completeJoin);
      return;
    }
    group.initNextGeneration();
    if (group.isIn(ClassicGroupState.EMPTY)) {
      LOG.info("Group {} is empty at generation {}.", group.groupId(), group.generation());
      shard
          .writeClassic(group.groupId(), group.toRecord(Map.of()))
          .whenComplete(
              (ok, failure) -> {
                if (failure != null) {
                  // The previous generation stays recorded; it has no live members to confuse.
                  GroupShard.logFailure("the empty generation", group.groupId(), failure);
                }
              });
      return;
    }
    LOG.info(
        "Group {} starts generation {} with {} members; protocol {}, leader {}.",
        group.groupId(),
        group.generation(),
        group.size(),
        group.protocolName(),
        group.leaderId());
    for (ClassicMember member : group.members()) {
      boolean leader = group.isLeader(member.memberId);
      member.completeJoin(
          ClassicGroupCoordinator.currentGeneration(group, member.memberId, leader, false));
      rescheduleSession(group, member);
      member.isNew = false;
      group.addPendingSync(member.memberId);
    }
    int generation = group.generation();
    group.syncTimer =
        schedule(
            group, "sync", null, group.rebalanceTimeoutMs(), g -> expirePendingSync(g, generation));
  }

  /** Members of the new generation that never sent SyncGroup are dropped, and it starts over. */
  private void expirePendingSync(ClassicGroup group, int generation) {
    if (generation != group.generation()
        || !(group.isIn(ClassicGroupState.COMPLETING_REBALANCE)
            || group.isIn(ClassicGroupState.STABLE))
        || group.hasReceivedSyncFromAllMembers()) {
      return;
    }
    for (String memberId : group.pendingSyncMembers()) {
      ClassicMember m = group.member(memberId);
      if (m != null) {
        m.completeJoin(joinError("", Errors.UNKNOWN_MEMBER_ID));
        group.remove(memberId);
      }
    }
    LOG.info("Group {} dropped members that did not sync in time.", group.groupId());
    prepareRebalance(group);
  }

  /** A member sent SyncGroup for this generation. */
  void receivedSync(ClassicGroup group, String memberId) {
    group.removePendingSync(memberId);
    if (group.hasReceivedSyncFromAllMembers()) {
      cancelSyncDeadline(group);
    }
  }

  private void cancelSyncDeadline(ClassicGroup group) {
    group.clearPendingSync();
    if (group.syncTimer != null) {
      group.syncTimer.cancel();
      group.syncTimer = null;
    }
  }

  /**
   * Writes the leader's assignment (members it left out get an empty one) and, once it is durable
   * and the generation has not moved on, hands it to every parked SyncGroup: the group is stable. A
   * failed write sends the members back to rejoin.
   */
  void storeAssignment(ClassicGroup group, Map<String, byte[]> fromLeader) {
    Map<String, byte[]> assignments = new HashMap<>();
    for (ClassicMember m : group.members()) {
      assignments.put(m.memberId, fromLeader.getOrDefault(m.memberId, new byte[0]));
    }
    int generation = group.generation();
    shard
        .writeClassic(group.groupId(), group.toRecord(assignments))
        .whenComplete(
            (ok, failure) -> {
              // On the shard's owner, once the write is committed or failed.
              if (!shard.isCurrent(group)
                  || !group.isIn(ClassicGroupState.COMPLETING_REBALANCE)
                  || group.generation() != generation) {
                return;
              }
              if (failure != null) {
                GroupShard.logFailure("the assignment", group.groupId(), failure);
                resetAndPropagateAssignment(group, GroupErrors.ofWriteFailure(failure));
                maybePrepareRebalanceOrCompleteJoin(group);
                return;
              }
              for (ClassicMember m : group.members()) {
                m.assignment = Bytes.of(assignments.get(m.memberId));
              }
              propagateAssignment(group, Errors.NONE);
              group.transitionTo(ClassicGroupState.STABLE);
              LOG.info("Group {} is stable at generation {}.", group.groupId(), group.generation());
            });
  }

  private void resetAndPropagateAssignment(ClassicGroup group, Errors error) {
    for (ClassicMember m : group.members()) {
      m.assignment = Bytes.EMPTY;
    }
    propagateAssignment(group, error);
  }

  private void propagateAssignment(ClassicGroup group, Errors error) {
    for (ClassicMember m : group.members()) {
      SyncGroupResponseData response =
          new SyncGroupResponseData()
              .setErrorCode(error.code())
              .setAssignment(m.assignment.toArray());
      if (error == Errors.NONE) {
        response.setProtocolType(group.protocolType()).setProtocolName(group.protocolName());
      }
      if (m.completeSync(response)) {
        // Sessions of members waiting for this answer were not checked while they waited.
        rescheduleSession(group, m);
      }
    }
  }

  /**
   * Removes a member that left or went silent: its parked JoinGroup or SyncGroup is answered
   * UNKNOWN_MEMBER_ID (a live client then rejoins), and the group rebalances without it.
   */
  void removeMemberAndUpdate(ClassicGroup group, ClassicMember member) {
    member.completeJoin(joinError("", Errors.UNKNOWN_MEMBER_ID));
    member.completeSync(
        new SyncGroupResponseData()
            .setErrorCode(Errors.UNKNOWN_MEMBER_ID.code())
            .setAssignment(new byte[0]));
    group.remove(member.memberId);
    if (group.isIn(ClassicGroupState.STABLE)
        || group.isIn(ClassicGroupState.COMPLETING_REBALANCE)) {
      maybePrepareRebalanceOrCompleteJoin(group);
    } else if (group.isIn(ClassicGroupState.PREPARING_REBALANCE) && group.hasAllMembersJoined()) {
      completeJoin(group);
    }
  }

  static JoinGroupResponseData joinError(String memberId, Errors error) {
    return new JoinGroupResponseData()
        .setMemberId(memberId)
        .setErrorCode(error.code())
        .setProtocolName(null)
        .setLeader("");
  }
}
