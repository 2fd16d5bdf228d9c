package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorNamespace;
import io.watershed.core.coordinator.CoordinatorResult;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.CommittedOffset;
import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.GroupMembership;
import io.watershed.core.group.GroupOffsets;
import io.watershed.core.group.PartitionKey;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.group.PersistentSortedMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of the Kafka front door, on the coordinator runtime (namespace {@value
 * GroupRecords#NAMESPACE}): each group lives in the shard its id hashes to, as Kafka places a group
 * in one partition of {@code __consumer_offsets}, so groups on different shards commit in parallel.
 * One method per group API; each runs as an operation on the group's shard and returns a future
 * that completes when the answer is ready — at once, once the records it wrote are durable, or when
 * a rebalance moves on.
 *
 * <p>Durable state (offsets, classic groups as of their last generation, consumer groups with their
 * members) changes only by replaying committed {@link GroupRecords}; handlers return records and an
 * answer, so a failed write changes nothing. What is deliberately not durable (rebalances in
 * progress, parked requests, sessions) lives in each shard's {@link GroupShard}. Timers are the
 * namespace's keyed timers on the shard's scheduler.
 *
 * <p>Lifecycle: {@link #start} first moves groups that an earlier version kept in the metadata
 * state machine onto the runtime ({@link GroupMigration}), then loads every shard (classic groups
 * come back stable or empty, consumer groups with their members and epochs; every member's session
 * starts afresh); requests before it are answered COORDINATOR_LOAD_IN_PROGRESS, which clients
 * retry. {@link #close} stops serving; the runtime belongs to the caller.
 *
 * <p>Thread-safe: every public method may be called from any thread and never blocks, except {@link
 * #start}, which waits for the load. Never call {@link #start} on a coordinator thread.
 */
public final class GroupCoordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

  /** How often each shard removes the offsets of deleted topics (they are invisible meanwhile). */
  static final long STALE_OFFSETS_SWEEP_MS = 60_000;

  private static final String SWEEP_KEY = "offsets-sweep";

  private final CoordinatorNamespace<GroupShardState> namespace;
  private final GroupShard[] shards;
  private final TopicLookup topics;
  private final LegacyGroups legacy;

  /** Where the coordinator is in its life; requests are served only while RUNNING. */
  private enum Phase {
    LOADING,
    RUNNING,
    CLOSED
  }

  private volatile Phase phase = Phase.LOADING;

  /**
   * A coordinator on {@code runtime}, which the caller owns and closes.
   *
   * @param topics the topics groups refer to
   * @param legacy the groups an earlier version kept in the metadata state machine, moved at {@link
   *     #start}; null when there is nothing to move
   */
  public GroupCoordinator(
      CoordinatorRuntime runtime,
      TopicLookup topics,
      GroupCoordinatorConfig config,
      LegacyGroups legacy) {
    this.topics = topics;
    this.legacy = legacy;
    this.shards = new GroupShard[runtime.shards()];
    for (int i = 0; i < shards.length; i++) {
      shards[i] = new GroupShard(i, config, topics);
    }
    this.namespace = runtime.register(GroupRecords.NAMESPACE, i -> shards[i].newState());
    for (GroupShard s : shards) {
      s.bind(namespace);
    }
  }

  /**
   * Moves the groups of an earlier version onto the runtime, loads every shard, starts the members'
   * sessions and starts serving; returns once that is done.
   *
   * @throws CompletionException when the move or a load failed (the start should fail with it)
   */
  public void start() {
    if (legacy != null) {
      int moved = GroupMigration.run(legacy, namespace, shards);
      if (moved > 0) {
        LOG.info("Moved {} group(s) from the metadata log onto the coordinator runtime.", moved);
      }
    }
    List<CompletableFuture<Integer>> loads = new ArrayList<>();
    for (GroupShard s : shards) {
      loads.add(namespace.write(s.id, state -> s.run(state, () -> resume(s))));
    }
    int groups = loads.stream().mapToInt(CompletableFuture::join).sum();
    for (GroupShard s : shards) {
      namespace.write(s.id, state -> s.with(state, () -> sweep(s, state))).join();
    }
    phase = Phase.RUNNING;
    LOG.info("Group coordinator loaded {} groups on {} shards.", groups, shards.length);
  }

  /** Makes every recorded group of the shard live and starts its members' sessions. */
  private static int resume(GroupShard s) {
    List<CoordinatedGroup> groups = s.allGroups();
    for (CoordinatedGroup g : groups) {
      if (g instanceof ConsumerGroup c) {
        s.consumerGroups.resume(c);
      }
    }
    return groups.size();
  }

  /** Writes tombstones for the shard's offsets of deleted topics, and comes back later. */
  private static CoordinatorResult<Void> sweep(GroupShard s, GroupShardState state) {
    s.scheduleWrite(SWEEP_KEY, STALE_OFFSETS_SWEEP_MS, next -> sweep(s, next));
    return CoordinatorResult.of(s.offsets.staleOffsets(state), null);
  }

  /**
   * Removes the committed offsets of topics that no longer exist (or were recreated) now rather
   * than at the next sweep; they are never answered meanwhile. Call after deleting topics.
   */
  public void topicsDeleted() {
    if (phase != Phase.RUNNING) {
      return;
    }
    for (GroupShard s : shards) {
      namespace.write(
          s.id,
          state -> s.with(state, () -> CoordinatorResult.of(s.offsets.staleOffsets(state), null)));
    }
  }

  private GroupShard shardOf(String groupId) {
    return shards[namespace.shardOf(groupId == null ? "" : groupId)];
  }

  // ---- classic groups ---------------------------------------------------------------------------

  public CompletableFuture<JoinGroupResponseData> joinGroup(
      GroupRequestContext context, JoinGroupRequestData request) {
    return classic(request.groupId(), s -> s.classicGroups.join(context, request));
  }

  public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
    return classic(request.groupId(), s -> s.classicGroups.sync(request));
  }

  /** Heartbeat of a classic member: the error code to answer with. */
  public CompletableFuture<Errors> heartbeat(HeartbeatRequestData request) {
    return classic(
        request.groupId(),
        s -> CompletableFuture.completedFuture(s.classicMembership.heartbeat(request)));
  }

  public CompletableFuture<LeaveGroupResult> leaveGroup(
      String groupId, List<MemberIdentity> members) {
    return classic(
        groupId,
        s -> CompletableFuture.completedFuture(s.classicMembership.leave(groupId, members)));
  }

  // ---- offsets ----------------------------------------------------------------------------------

  public CompletableFuture<OffsetCommitResponseData> commitOffsets(
      GroupRequestContext context, OffsetCommitRequestData request) {
    OffsetManager.Outcome<OffsetCommitResponseData, OffsetCommitResponsePartition> out =
        new OffsetManager.Outcome<>();
    return this.<OffsetCommitResponseData>write(
            request.groupId(), (s, state) -> s.offsets.commit(state, context, request, out))
        .handle(
            (response, failure) -> {
              if (failure == null) {
                return response;
              }
              short code = GroupErrors.ofWriteFailure(failure).code();
              if (out.response == null) {
                return OffsetManager.commitError(request, code);
              }
              out.pending.forEach(p -> p.setErrorCode(code));
              return out.response;
            });
  }

  /** OffsetFetch of several groups, each answered with its offsets or its error, in order. */
  public CompletableFuture<List<OffsetFetchResponseGroup>> fetchOffsets(
      List<OffsetFetchRequestGroup> requests) {
    List<CompletableFuture<OffsetFetchResponseGroup>> each = new ArrayList<>();
    for (OffsetFetchRequestGroup r : requests) {
      each.add(read(r.groupId(), (s, state) -> s.offsets.fetch(state, r)));
    }
    return all(each);
  }

  public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(
      OffsetDeleteRequestData request) {
    OffsetManager.Outcome<OffsetDeleteResponseData, OffsetDeleteResponsePartition> out =
        new OffsetManager.Outcome<>();
    return this.<OffsetDeleteResponseData>write(
            request.groupId(), (s, state) -> s.offsets.delete(state, request, out))
        .handle(
            (response, failure) -> {
              if (failure == null) {
                return response;
              }
              short code = GroupErrors.ofWriteFailure(failure).code();
              if (out.response == null) {
                return new OffsetDeleteResponseData().setErrorCode(code);
              }
              out.pending.forEach(p -> p.setErrorCode(code));
              return out.response;
            });
  }

  /**
   * Sets a group's committed offsets on an administrator's behalf, as Kafka's
   * AlterConsumerGroupOffsets does: refused with {@link ActiveMembersException} while the group has
   * members, so that no consumer overwrites the new offsets with its own.
   */
  public CompletableFuture<Void> resetOffsets(String groupId, List<PartitionOffset> offsets) {
    return write(groupId, (s, state) -> s.offsets.reset(state, groupId, offsets));
  }

  /**
   * Every group's committed offsets, by group id, as committed (durable); offsets of deleted topics
   * are left out. Lock-free; any thread.
   */
  public Map<String, GroupOffsets> committedOffsets() {
    Map<String, GroupOffsets> out = new TreeMap<>();
    for (GroupShard s : shards) {
      s.publishedOffsets()
          .forEach(
              (groupId, entries) -> {
                GroupOffsets visible = OffsetManager.visible(entries, topics);
                if (!visible.isEmpty()) {
                  out.put(groupId, visible);
                }
              });
    }
    return out;
  }

  /** One group's committed offsets (see {@link #committedOffsets()}); empty if it has none. */
  public GroupOffsets committedOffsets(String groupId) {
    PersistentSortedMap<PartitionKey, OffsetEntry> entries =
        shardOf(groupId).publishedOffsets().get(groupId);
    return entries == null ? GroupOffsets.EMPTY : OffsetManager.visible(entries, topics);
  }

  /** The offset {@code groupId} committed for a partition, if any. */
  public Optional<CommittedOffset> committed(String groupId, String topic, int partition) {
    return committedOffsets(groupId).get(topic, partition);
  }

  // ---- administration ---------------------------------------------------------------------------

  public CompletableFuture<List<ListedGroup>> listGroups(
      List<String> statesFilter, List<String> typesFilter) {
    List<CompletableFuture<List<ListedGroup>>> each = new ArrayList<>();
    for (GroupShard s : shards) {
      each.add(read(s, state -> s.admin.list(state, statesFilter, typesFilter)));
    }
    return all(each)
        .thenApply(
            lists -> {
              List<ListedGroup> out = new ArrayList<>();
              lists.forEach(out::addAll);
              out.sort(Comparator.comparing(ListedGroup::groupId));
              return out;
            });
  }

  public CompletableFuture<List<DescribedGroup>> describeGroups(
      List<String> groupIds, short version) {
    List<CompletableFuture<DescribedGroup>> each = new ArrayList<>();
    for (String id : groupIds) {
      each.add(read(id, (s, state) -> s.admin.describe(state, id, version)));
    }
    return all(each);
  }

  public CompletableFuture<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
    List<CompletableFuture<DeletableGroupResult>> each = new ArrayList<>();
    for (String id : groupIds) {
      each.add(
          this.<DeletableGroupResult>write(id, (s, state) -> s.admin.delete(state, id))
              .exceptionally(
                  failure ->
                      new DeletableGroupResult()
                          .setGroupId(id)
                          .setErrorCode(GroupErrors.ofWriteFailure(failure).code())));
    }
    return all(each);
  }

  /** Every coordinated group with its members and their assignments, for administrators. */
  public CompletableFuture<List<GroupView>> views() {
    List<CompletableFuture<List<GroupView>>> each = new ArrayList<>();
    for (GroupShard s : shards) {
      each.add(read(s, state -> s.views.all()));
    }
    return all(each)
        .thenApply(
            lists -> {
              List<GroupView> out = new ArrayList<>();
              lists.forEach(out::addAll);
              out.sort(Comparator.comparing(GroupView::groupId));
              return out;
            });
  }

  // ---- consumer groups (KIP-848) ----------------------------------------------------------------

  public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
      GroupRequestContext context, ConsumerGroupHeartbeatRequestData request) {
    return this.<ConsumerGroupHeartbeatResponseData>write(
            request.groupId(), (s, state) -> s.consumerGroups.heartbeat(state, context, request))
        .exceptionally(ConsumerGroupCoordinator::writeError);
  }

  public CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>>
      describeConsumerGroups(List<String> groupIds) {
    List<CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup>> each =
        new ArrayList<>();
    for (String id : groupIds) {
      each.add(read(id, (s, state) -> s.admin.describeConsumerGroup(id)));
    }
    return all(each);
  }

  // ---- running operations -----------------------------------------------------------------------

  /** Null when serving; else the error to fail a request with. */
  private RuntimeException notServing() {
    return switch (phase) {
      case LOADING -> new CoordinatorLoadInProgressException("The group coordinator is loading.");
      case CLOSED -> new CoordinatorNotAvailableException("The group coordinator is shut down.");
      case RUNNING -> null;
    };
  }

  /**
   * Runs a classic-group operation on the group's shard and passes on the future it returns (an
   * answer now, or a parked request answered later). The operation changes live, non-durable state
   * and records the group through {@link GroupShard#writeClassic}.
   */
  private <T> CompletableFuture<T> classic(
      String groupId, Function<GroupShard, CompletableFuture<T>> op) {
    RuntimeException refused = notServing();
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    GroupShard shard = shardOf(groupId);
    AtomicReference<CompletableFuture<T>> answer = new AtomicReference<>();
    CompletableFuture<T> result = new CompletableFuture<>();
    namespace
        .write(
            shard.id,
            state ->
                shard.run(
                    state,
                    () -> {
                      answer.set(op.apply(shard));
                      return null;
                    }))
        .whenComplete(
            (ignored, failure) -> {
              CompletableFuture<T> f = answer.get();
              if (f == null) {
                // The operation never ran, or threw.
                result.completeExceptionally(GroupErrors.toKafka(failure));
                return;
              }
              // A failed write answers the requests it concerned through its append future.
              f.whenComplete(
                  (value, error) -> {
                    if (error != null) {
                      result.completeExceptionally(error);
                    } else {
                      result.complete(value);
                    }
                  });
            });
    return result;
  }

  /** A write handler on the group's shard; fails with the runtime's error (see GroupErrors). */
  private <T> CompletableFuture<T> write(
      String groupId, BiFunction<GroupShard, GroupShardState, CoordinatorResult<T>> op) {
    RuntimeException refused = notServing();
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    GroupShard shard = shardOf(groupId);
    return namespace.write(shard.id, state -> shard.with(state, () -> op.apply(shard, state)));
  }

  private <T> CompletableFuture<T> read(
      String groupId, BiFunction<GroupShard, GroupShardState, T> op) {
    GroupShard shard = shardOf(groupId);
    return read(shard, state -> op.apply(shard, state));
  }

  private <T> CompletableFuture<T> read(GroupShard shard, Function<GroupShardState, T> op) {
    RuntimeException refused = notServing();
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    return namespace
        .read(shard.id, state -> shard.with(state, () -> op.apply(state)))
        .exceptionallyCompose(
            failure -> CompletableFuture.failedFuture(GroupErrors.toKafka(failure)));
  }

  private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> each) {
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(ignored -> each.stream().map(CompletableFuture::join).toList());
  }

  /** The shard count, for tests and operators. */
  int shards() {
    return shards.length;
  }

  /** The group's membership as committed (durable): its classic or consumer group record. */
  CompletableFuture<Optional<GroupMembership>> recorded(String groupId) {
    return read(
        groupId,
        (s, state) -> {
          ClassicGroupMembership classic = state.classicRecord(groupId);
          if (classic != null) {
            return Optional.<GroupMembership>of(classic);
          }
          ConsumerGroup g = state.consumerGroup(groupId);
          if (g == null) {
            return Optional.<GroupMembership>empty();
          }
          PersistentSortedMap<String, ConsumerMemberRecord> members = PersistentSortedMap.empty();
          for (ConsumerMemberRecord m : g.members()) {
            members = members.with(m.memberId(), m);
          }
          return Optional.<GroupMembership>of(
              new ConsumerGroupMembership(g.groupEpoch(), g.assignmentEpoch(), members));
        });
  }

  /** Stops serving: requests are refused and timers do nothing. The runtime stays open. */
  @Override
  public void close() {
    phase = Phase.CLOSED;
    for (GroupShard s : shards) {
      s.close();
    }
  }
}
