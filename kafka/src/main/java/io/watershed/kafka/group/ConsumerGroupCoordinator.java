package io.watershed.kafka.group;

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
import java.util.concurrent.CompletableFuture;
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
 * within its rebalance timeout is fenced too.
 *
 * <p>Runs on the coordinator's scheduler.
 */
final class ConsumerGroupCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupCoordinator.class);

  private final GroupRegistry groups;
  private final GroupScheduler scheduler;
  private final GroupPersistence persistence;
  private final GroupCoordinatorConfig config;
  private final TopicSubscriptions subscriptions;

  ConsumerGroupCoordinator(
      GroupRegistry groups,
      GroupScheduler scheduler,
      GroupPersistence persistence,
      GroupCoordinatorConfig config) {
    this.groups = groups;
    this.scheduler = scheduler;
    this.persistence = persistence;
    this.config = config;
    this.subscriptions = new TopicSubscriptions(persistence);
  }

  /** Starts the timers of a group loaded from durable state. */
  void resume(ConsumerGroup group) {
    group.setSubscribedTopics(subscriptions.resolve(group.members()));
    for (ConsumerMemberRecord m : group.members()) {
      scheduleSession(group, m.memberId());
      if (m.state() == MemberAssignmentState.UNREVOKED_PARTITIONS) {
        scheduleRevocationDeadline(group, m);
      }
    }
  }

  /** ConsumerGroupHeartbeat: answered once the changes it made are durable. */
  CompletableFuture<ConsumerGroupHeartbeatResponseData> heartbeat(
      GroupRequestContext context, ConsumerGroupHeartbeatRequestData request) {
    try {
      ConsumerHeartbeatRequests.validate(request, context.apiVersion());
      int epoch = request.memberEpoch();
      if (epoch == -1 || epoch == ConsumerMemberRecord.LEFT_STATIC_EPOCH) {
        return leave(request);
      }
      return join(context, request);
    } catch (ApiException e) {
      return CompletableFuture.completedFuture(error(e));
    }
  }

  private CompletableFuture<ConsumerGroupHeartbeatResponseData> join(
      GroupRequestContext context, ConsumerGroupHeartbeatRequestData request) {
    int epoch = request.memberEpoch();
    ConsumerGroup group = consumerGroup(request.groupId(), epoch == 0);
    String memberId =
        request.memberId().isEmpty() ? Uuid.randomUuid().toString() : request.memberId();
    Map<UUID, Set<Integer>> owned = ConsumerHeartbeatRequests.owned(request);
    int groupEpochBefore = group.groupEpoch();
    int assignmentEpochBefore = group.assignmentEpoch();
    List<String> removed = new ArrayList<>();
    // Null when the member is new to the durable state: a new member, or a static member
    // rejoining under a new member id.
    ConsumerMemberRecord recorded = group.member(memberId);

    ConsumerMemberRecord before = existingOrNew(group, request, memberId, owned, removed, context);
    for (String replaced : removed) {
      group.cancelTimers(replaced);
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
    Set<String> touched = new HashSet<>();
    touched.add(memberId);
    if (groupEpoch > group.assignmentEpoch()) {
      touched.addAll(assign(group, topics));
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

    List<ConsumerMemberRecord> upserts = new ArrayList<>();
    for (String id : touched) {
      ConsumerMemberRecord now = group.member(id);
      if (!id.equals(memberId) || !now.equals(recorded)) {
        upserts.add(now);
      }
    }
    if (upserts.isEmpty()
        && removed.isEmpty()
        && groupEpochBefore == group.groupEpoch()
        && assignmentEpochBefore == group.assignmentEpoch()) {
      return CompletableFuture.completedFuture(response);
    }
    return write(group, upserts, removed)
        .handle((ok, failure) -> failure == null ? response : writeError(failure));
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

  /**
   * Computes every member's target; members whose target changed are updated in the group.
   *
   * @return the ids of the members whose target changed
   */
  private Set<String> assign(ConsumerGroup group, Map<String, SubscribedTopic> topics) {
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
    Set<String> changed = new HashSet<>();
    targets.forEach(
        (memberId, target) -> {
          ConsumerMemberRecord m = group.member(memberId);
          if (!m.target().equals(target)) {
            group.put(ConsumerMembers.withTarget(m, target));
            changed.add(memberId);
          }
        });
    return changed;
  }

  private CompletableFuture<ConsumerGroupHeartbeatResponseData> leave(
      ConsumerGroupHeartbeatRequestData request) {
    ConsumerGroup group = consumerGroup(request.groupId(), false);
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
    CompletableFuture<Void> written;
    if (request.memberEpoch() == ConsumerMemberRecord.LEFT_STATIC_EPOCH) {
      // The static member is away, not gone: it keeps its assignment until its session ends, so
      // that it can come back without a rebalance. What it was revoking is released.
      LOG.info("Static member {} of group {} left temporarily.", memberId, group.groupId());
      cancelRevocationDeadline(group, memberId);
      ConsumerMemberRecord away = ConsumerMembers.away(member);
      group.put(away);
      written = write(group, List.of(away), List.of());
    } else {
      LOG.info("Member {} left group {}.", memberId, group.groupId());
      written = fence(group, memberId);
    }
    return written.handle((ok, failure) -> failure == null ? response : writeError(failure));
  }

  /** Removes a member; its partitions become free and the group is assigned again. */
  private CompletableFuture<Void> fence(ConsumerGroup group, String memberId) {
    group.cancelTimers(memberId);
    group.remove(memberId);
    group.setEpochs(group.groupEpoch() + 1, group.assignmentEpoch());
    group.setSubscribedTopics(subscriptions.resolve(group.members()));
    return write(group, List.of(), List.of(memberId));
  }

  private void scheduleSession(ConsumerGroup group, String memberId) {
    GroupScheduler.Timer old = group.sessionTimers.remove(memberId);
    if (old != null) {
      old.cancel();
    }
    group.sessionTimers.put(
        memberId,
        scheduler.schedule(
            config.consumerSessionTimeoutMs(),
            () -> {
              if (groups.isCurrent(group) && group.member(memberId) != null) {
                LOG.info("Member {} of group {} timed out; fencing it.", memberId, group.groupId());
                fence(group, memberId);
              }
            }));
  }

  private void scheduleRevocationDeadline(ConsumerGroup group, ConsumerMemberRecord member) {
    cancelRevocationDeadline(group, member.memberId());
    String memberId = member.memberId();
    int epoch = member.memberEpoch();
    group.revocationTimers.put(
        memberId,
        scheduler.schedule(
            member.rebalanceTimeoutMs(),
            () -> {
              ConsumerMemberRecord now = group.member(memberId);
              if (groups.isCurrent(group)
                  && now != null
                  && now.memberEpoch() == epoch
                  && now.state() == MemberAssignmentState.UNREVOKED_PARTITIONS) {
                LOG.info(
                    "Member {} of group {} did not revoke its partitions in time; fencing it.",
                    memberId,
                    group.groupId());
                fence(group, memberId);
              }
            }));
  }

  private static void cancelRevocationDeadline(ConsumerGroup group, String memberId) {
    GroupScheduler.Timer t = group.revocationTimers.remove(memberId);
    if (t != null) {
      t.cancel();
    }
  }

  private CompletableFuture<Void> write(
      ConsumerGroup group, List<ConsumerMemberRecord> upserts, List<String> removed) {
    CompletableFuture<Void> written =
        persistence.updateConsumerGroup(
            group.groupId(), group.groupEpoch(), group.assignmentEpoch(), upserts, removed);
    written.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            LOG.warn("Could not record group {}: {}", group.groupId(), failure.toString());
          }
        });
    return written;
  }

  /**
   * The consumer group {@code groupId}, created when {@code create} and it does not exist; an empty
   * classic group is replaced.
   */
  ConsumerGroup consumerGroup(String groupId, boolean create) {
    switch (groups.get(groupId)) {
      case ConsumerGroup g -> {
        return g;
      }
      case ClassicGroup g when g.hasMembers() ->
          throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group.");
      case null, default -> {
        if (!create) {
          throw new GroupIdNotFoundException("Consumer group " + groupId + " not found.");
        }
        ConsumerGroup group = new ConsumerGroup(groupId);
        groups.put(group);
        return group;
      }
    }
  }

  private static ConsumerGroupHeartbeatResponseData error(ApiException e) {
    return new ConsumerGroupHeartbeatResponseData()
        .setErrorCode(Errors.forException(e).code())
        .setErrorMessage(e.getMessage());
  }

  private static ConsumerGroupHeartbeatResponseData writeError(Throwable failure) {
    Errors error = GroupErrors.ofWriteFailure(failure);
    return new ConsumerGroupHeartbeatResponseData()
        .setErrorCode(error.code())
        .setErrorMessage(error.message());
  }
}
