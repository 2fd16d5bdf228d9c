package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorRecord;
import io.watershed.core.coordinator.CoordinatorResult;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.MemberAssignmentState;
import io.watershed.core.group.PartitionAssignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConsumerGroupHeartbeat (KIP-848): members join, heartbeat and leave with one API, and the
 * coordinator assigns partitions itself.
 *
 * <p>Each heartbeat (1) creates or updates the member; a new member, a changed subscription or a
 * change of the subscribed topics (created, deleted, grown) bumps the group epoch; (2) when the
 * group epoch is ahead of the assignment epoch, the {@link UniformAssignor} computes every member's
 * target from the previous targets; (3) {@link AssignmentReconciler} moves the member one step
 * towards its target. The changes are written durably, only what changed, before the answer goes
 * out. Session timers fence silent members; a member that does not give up revoked partitions
 * within its rebalance timeout is fenced too. Both are the namespace's keyed timers on the shard,
 * writes that look at the committed group when they fire.
 *
 * <p>Every method is a write handler on its shard's owner: it reads the committed group, changes a
 * copy, and returns the difference as records ({@link ConsumerGroupRecords#diff}).
 */
final class ConsumerGroupCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupCoordinator.class);

  private final GroupShard shard;
  private final GroupCoordinatorConfig config;
  private final TopicSubscriptions subscriptions;

  ConsumerGroupCoordinator(GroupShard shard) {
    this.shard = shard;
    this.config = shard.config;
    this.subscriptions = shard.subscriptions;
  }

  /** Starts the timers of a group loaded from durable state: every session starts afresh. */
  void resume(ConsumerGroup group) {
    for (ConsumerMemberRecord m : group.members()) {
      scheduleSession(group, m.memberId());
      if (m.state() == MemberAssignmentState.UNREVOKED_PARTITIONS) {
        scheduleRevocationDeadline(group, m);
      }
    }
  }

  /**
   * ConsumerGroupHeartbeat as a write handler: the records of what changed and the answer, given
   * once they are durable. The committed group is not touched: the heartbeat works on a copy and
   * writes the difference, so a failed write changes nothing.
   */
  CoordinatorResult<ConsumerGroupHeartbeatResponseData> heartbeat(
      GroupShardState state,
      GroupRequestContext context,
      ConsumerGroupHeartbeatRequestData request) {
    try {
      ConsumerHeartbeatRequests.validate(request, context.apiVersion());
      int epoch = request.memberEpoch();
      if (epoch == -1 || epoch == ConsumerMemberRecord.LEFT_STATIC_EPOCH) {
        return leave(state, request);
      }
      return join(state, context, request);
    } catch (ApiException e) {
      return CoordinatorResult.of(error(e));
    }
  }

  private CoordinatorResult<ConsumerGroupHeartbeatResponseData> join(
      GroupShardState state,
      GroupRequestContext context,
      ConsumerGroupHeartbeatRequestData request) {
    int epoch = request.memberEpoch();
    ConsumerGroup committed = committedGroup(request.groupId(), epoch == 0);
    ConsumerGroup group =
        committed == null ? new ConsumerGroup(request.groupId()) : committed.copy();
    String memberId =
        request.memberId().isEmpty() ? Uuid.randomUuid().toString() : request.memberId();
    Map<UUID, Set<Integer>> owned = ConsumerHeartbeatRequests.owned(request);
    List<String> removed = new ArrayList<>();
    // Null when the member is new to the durable state: a new member, or a static member
    // rejoining under a new member id.
    ConsumerMemberRecord recorded = group.member(memberId);

    ConsumerMemberRecord before = existingOrNew(group, request, memberId, owned, removed, context);
    for (String replaced : removed) {
      cancelTimers(group, replaced);
      group.remove(replaced);
    }
    ConsumerMemberRecord updated = ConsumerMembers.withSubscription(before, request, context);
    boolean joined = recorded == null && removed.isEmpty();
    boolean subscriptionChanged =
        joined
            || !updated.subscribedTopicNames().equals(before.subscribedTopicNames())
            || !Objects.equals(updated.subscribedTopicRegex(), before.subscribedTopicRegex());
    group.put(updated);

    Map<String, SubscribedTopic> topics = subscriptions.resolve(group.members());
    int groupEpoch = group.groupEpoch();
    if (subscriptionChanged || !topics.equals(group.subscribedTopics())) {
      groupEpoch++;
      group.setSubscribedTopics(topics);
    }
    if (groupEpoch > group.assignmentEpoch()) {
      assign(group, topics);
      LOG.info("Group {} has a new target assignment at epoch {}.", group.groupId(), groupEpoch);
    }
    group.setEpochs(groupEpoch, Math.max(groupEpoch, group.assignmentEpoch()));

    ConsumerMemberRecord current = group.member(memberId);
    ConsumerMemberRecord reconciled =
        AssignmentReconciler.reconcile(
            current, group.assignmentEpoch(), current.target(), group::owner, owned);
    if (!reconciled.equals(current)) {
      group.put(reconciled);
      if (reconciled.state() == MemberAssignmentState.UNREVOKED_PARTITIONS) {
        scheduleRevocationDeadline(group, reconciled);
      } else {
        cancelRevocationDeadline(group, memberId);
      }
    }
    scheduleSession(group, memberId);

    ConsumerGroupHeartbeatResponseData response =
        new ConsumerGroupHeartbeatResponseData()
            .setMemberId(memberId)
            .setMemberEpoch(reconciled.memberEpoch())
            .setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs());
    // The assignment goes out when it changed, or when the member sent everything it has (it
    // joined, or recovers from an error) and so must be told everything.
    boolean fullRequest =
        epoch == 0
            || (request.rebalanceTimeoutMs() != -1
                && request.subscribedTopicNames() != null
                && request.topicPartitions() != null);
    if (fullRequest || !reconciled.assigned().equals(before.assigned())) {
      response.setAssignment(ConsumerHeartbeatRequests.assignmentOf(reconciled.assigned()));
    }

    return CoordinatorResult.of(records(state, committed, group), response);
  }

  /**
   * The records that turn the committed group into {@code group}: a group new to the consumer
   * protocol also removes the empty classic group it replaces.
   */
  private List<CoordinatorRecord> records(
      GroupShardState state, ConsumerGroup committed, ConsumerGroup group) {
    List<CoordinatorRecord> records = new ArrayList<>();
    if (committed == null) {
      records.addAll(state.classicTombstone(group.groupId()));
      shard.dropClassic(group.groupId());
    }
    records.addAll(ConsumerGroupRecords.diff(committed, group));
    return records;
  }

  /**
   * The member the heartbeat is about: the existing one (its epoch checked), a new one, or, for a
   * static member rejoining under a new member id, a copy of the one it replaces (whose id is added
   * to {@code replaced}).
   */
  private ConsumerMemberRecord existingOrNew(
      ConsumerGroup group,
      ConsumerGroupHeartbeatRequestData request,
      String memberId,
      Map<UUID, Set<Integer>> owned,
      List<String> replaced,
      GroupRequestContext context) {
    int epoch = request.memberEpoch();
    String instanceId = request.instanceId();
    if (instanceId == null) {
      ConsumerMemberRecord member = group.member(memberId);
      if (member == null) {
        if (epoch != 0) {
          throw new UnknownMemberIdException(
              "Member " + memberId + " is not a member of group " + group.groupId() + ".");
        }
        return ConsumerMembers.newMember(memberId, request, context);
      }
      checkEpoch(member, epoch, owned);
      return member;
    }
    ConsumerMemberRecord existing = group.staticMember(instanceId);
    if (epoch != 0) {
      if (existing == null) {
        throw new UnknownMemberIdException("Instance id " + instanceId + " is unknown.");
      }
      if (!existing.memberId().equals(memberId)) {
        throw Errors.FENCED_INSTANCE_ID.exception(
            "Static member " + memberId + " with instance id " + instanceId + " was fenced.");
      }
      checkEpoch(existing, epoch, owned);
      return existing;
    }
    if (existing == null) {
      ConsumerMemberRecord member = group.member(memberId);
      return member != null ? member : ConsumerMembers.newMember(memberId, request, context);
    }
    if (existing.memberId().equals(memberId)) {
      return existing;
    }
    if (existing.memberEpoch() != ConsumerMemberRecord.LEFT_STATIC_EPOCH) {
      throw Errors.UNRELEASED_INSTANCE_ID.exception(
          "Instance id " + instanceId + " is still used by member " + existing.memberId() + ".");
    }
    // KIP-345: the instance returns within its session and takes over its partitions as they are.
    replaced.add(existing.memberId());
    LOG.info("Static member {} of group {} rejoined as {}.", instanceId, group.groupId(), memberId);
    return ConsumerMembers.rejoinedAs(existing, memberId);
  }

  /**
   * Epoch 0 (re)joins and is always accepted. A greater epoch than the coordinator's is fenced; a
   * smaller one too, unless it is the previous epoch and the member owns nothing beyond its
   * assignment (it lost the answer that moved it on).
   */
  private static void checkEpoch(
      ConsumerMemberRecord member, int received, Map<UUID, Set<Integer>> owned) {
    if (received == 0) {
      return;
    }
    if (received > member.memberEpoch()
        || (received < member.memberEpoch()
            && (received != member.previousMemberEpoch() || !isSubset(owned, member.assigned())))) {
      throw new FencedMemberEpochException(
          "The member epoch "
              + received
              + " does not match the coordinator's "
              + member.memberEpoch()
              + "; the member must give up its partitions and rejoin.");
    }
  }

  private static boolean isSubset(Map<UUID, Set<Integer>> owned, PartitionAssignment assigned) {
    if (owned == null) {
      return false;
    }
    for (Map.Entry<UUID, Set<Integer>> e : owned.entrySet()) {
      for (int p : e.getValue()) {
        if (!assigned.contains(e.getKey(), p)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Computes every member's target; members whose target changed are updated in the group. */
  private void assign(ConsumerGroup group, Map<String, SubscribedTopic> topics) {
    TreeMap<String, Set<UUID>> subscribed = new TreeMap<>();
    Map<String, PartitionAssignment> previous = new HashMap<>();
    for (ConsumerMemberRecord m : group.members()) {
      Set<UUID> ids = new HashSet<>();
      for (String name : subscriptions.namesOf(m, topics.keySet())) {
        SubscribedTopic t = topics.get(name);
        if (t != null) {
          ids.add(t.topicId());
        }
      }
      subscribed.put(m.memberId(), ids);
      previous.put(m.memberId(), m.target());
    }
    Map<UUID, Integer> counts = new HashMap<>();
    topics.values().forEach(t -> counts.put(t.topicId(), t.partitions()));
    Map<String, PartitionAssignment> targets = UniformAssignor.assign(subscribed, counts, previous);
    targets.forEach(
        (memberId, target) -> {
          ConsumerMemberRecord m = group.member(memberId);
          if (!m.target().equals(target)) {
            group.put(ConsumerMembers.withTarget(m, target));
          }
        });
  }

  private CoordinatorResult<ConsumerGroupHeartbeatResponseData> leave(
      GroupShardState state, ConsumerGroupHeartbeatRequestData request) {
    ConsumerGroup committed = committedGroup(request.groupId(), false);
    ConsumerGroup group = committed.copy();
    String memberId = request.memberId();
    ConsumerMemberRecord member;
    if (request.instanceId() == null) {
      member = group.member(memberId);
      if (member == null) {
        throw new UnknownMemberIdException(
            "Member " + memberId + " is not a member of group " + group.groupId() + ".");
      }
    } else {
      member = group.staticMember(request.instanceId());
      if (member == null) {
        throw new UnknownMemberIdException("Instance id " + request.instanceId() + " is unknown.");
      }
      if (!member.memberId().equals(memberId)) {
        throw Errors.FENCED_INSTANCE_ID.exception();
      }
    }
    ConsumerGroupHeartbeatResponseData response =
        new ConsumerGroupHeartbeatResponseData()
            .setMemberId(memberId)
            .setMemberEpoch(request.memberEpoch())
            .setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs());
    if (request.memberEpoch() == ConsumerMemberRecord.LEFT_STATIC_EPOCH) {
      // The static member is away, not gone: it keeps its assignment until its session ends, so
      // that it can come back without a rebalance. What it was revoking is released.
      LOG.info("Static member {} of group {} left temporarily.", memberId, group.groupId());
      shard.cancel(revocationKey(group.groupId(), memberId));
      group.put(ConsumerMembers.away(member));
    } else {
      LOG.info("Member {} left group {}.", memberId, group.groupId());
      fence(group, memberId);
    }
    return CoordinatorResult.of(ConsumerGroupRecords.diff(committed, group), response);
  }

  /** Removes a member from {@code group}; its partitions become free and it is assigned again. */
  private void fence(ConsumerGroup group, String memberId) {
    cancelTimers(group, memberId);
    group.remove(memberId);
    group.setEpochs(group.groupEpoch() + 1, group.assignmentEpoch());
    group.setSubscribedTopics(subscriptions.resolve(group.members()));
  }

  /**
   * A timer's write: fences the member if the committed group still has it and {@code still} holds
   * for it, else writes nothing.
   */
  private CoordinatorResult<Void> fenceIf(
      GroupShardState state,
      String groupId,
      String memberId,
      java.util.function.Predicate<ConsumerMemberRecord> still,
      String why) {
    if (!(shard.group(groupId) instanceof ConsumerGroup committed)) {
      return CoordinatorResult.of(null);
    }
    ConsumerMemberRecord member = committed.member(memberId);
    if (member == null || !still.test(member)) {
      return CoordinatorResult.of(null);
    }
    LOG.info("Member {} of group {} {}; fencing it.", memberId, groupId, why);
    ConsumerGroup group = committed.copy();
    fence(group, memberId);
    return CoordinatorResult.of(ConsumerGroupRecords.diff(committed, group), null);
  }

  static String sessionKey(String groupId, String memberId) {
    return GroupShard.timerKey("consumer-session", groupId, memberId);
  }

  static String revocationKey(String groupId, String memberId) {
    return GroupShard.timerKey("consumer-revocation", groupId, memberId);
  }

  /**
   * (Re)starts the member's session: unless a heartbeat comes first, the timer fences it. The timer
   * checks the committed group when it fires, so one set by a heartbeat whose write then failed
   * does nothing once the member is not there.
   */
  private void scheduleSession(ConsumerGroup group, String memberId) {
    String groupId = group.groupId();
    shard.scheduleWrite(
        sessionKey(groupId, memberId),
        config.consumerSessionTimeoutMs(),
        state -> fenceIf(state, groupId, memberId, m -> true, "timed out"));
  }

  /**
   * Fences the member unless it has given up the partitions it is revoking within its rebalance
   * timeout: the timer checks that the member is still at the epoch and in the state it was set
   * for.
   */
  private void scheduleRevocationDeadline(ConsumerGroup group, ConsumerMemberRecord member) {
    String groupId = group.groupId();
    String memberId = member.memberId();
    int epoch = member.memberEpoch();
    shard.scheduleWrite(
        revocationKey(groupId, memberId),
        member.rebalanceTimeoutMs(),
        state ->
            fenceIf(
                state,
                groupId,
                memberId,
                m ->
                    m.memberEpoch() == epoch
                        && m.state() == MemberAssignmentState.UNREVOKED_PARTITIONS,
                "did not revoke its partitions in time"));
  }

  private void cancelRevocationDeadline(ConsumerGroup group, String memberId) {
    shard.cancel(revocationKey(group.groupId(), memberId));
  }

  private void cancelTimers(ConsumerGroup group, String memberId) {
    shard.cancel(sessionKey(group.groupId(), memberId));
    shard.cancel(revocationKey(group.groupId(), memberId));
  }

  /**
   * The committed consumer group {@code groupId} (not to be changed), or null when {@code create}
   * and it does not exist or is an empty classic group (which the new consumer group replaces).
   */
  private ConsumerGroup committedGroup(String groupId, boolean create) {
    switch (shard.group(groupId)) {
      case ConsumerGroup g -> {
        return g;
      }
      case ClassicGroup g when g.hasMembers() ->
          throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group.");
      case null, default -> {
        if (!create) {
          throw new GroupIdNotFoundException("Consumer group " + groupId + " not found.");
        }
        return null;
      }
    }
  }

  private static ConsumerGroupHeartbeatResponseData error(ApiException e) {
    return new ConsumerGroupHeartbeatResponseData()
        .setErrorCode(Errors.forException(e).code())
        .setErrorMessage(e.getMessage());
  }

  static ConsumerGroupHeartbeatResponseData writeError(Throwable failure) {
    Errors error = GroupErrors.ofWriteFailure(failure);
    return new ConsumerGroupHeartbeatResponseData()
        .setErrorCode(error.code())
        .setErrorMessage(error.message());
  }
}
