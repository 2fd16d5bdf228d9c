package io.watershed.kafka.group;

import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.group.GroupImage;
import io.watershed.core.group.PartitionOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
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
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator of the Kafka front door: this node coordinates every group. One method per
 * group API; each hands its work to the coordinator's {@link GroupScheduler}, where all group state
 * lives (no locks), and returns a future that completes when the answer is ready — at once, after a
 * durable write, or when a rebalance moves on.
 *
 * <p>Lifecycle: {@link #start} loads the groups recorded in durable state (classic groups come back
 * stable or empty, consumer groups with their members and epochs; every member's session starts
 * afresh); requests before it are answered COORDINATOR_LOAD_IN_PROGRESS, which clients retry.
 * {@link #close} stops the scheduler if the coordinator owns it.
 *
 * <p>Thread-safe: every public method may be called from any thread and never blocks, except {@link
 * #start}, which waits for the load.
 */
public final class GroupCoordinator implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

  private final GroupScheduler scheduler;
  private final ThreadGroupScheduler ownedScheduler;
  private final GroupPersistence persistence;
  private final GroupRegistry groups = new GroupRegistry();
  private final ClassicRebalancer rebalancer;
  private final ClassicGroupCoordinator classic;
  private final ClassicMembership classicMembership;
  private final ConsumerGroupCoordinator consumer;
  private final OffsetManager offsets;
  private final GroupAdmin admin;
  private final GroupViews views;

  /** Where the coordinator is in its life; requests are served only while RUNNING. */
  private enum Phase {
    LOADING,
    RUNNING,
    CLOSED
  }

  private volatile Phase phase = Phase.LOADING;

  /**
   * A coordinator running on {@code scheduler}, which the caller owns and closes.
   *
   * @param persistence durable group state and topics
   * @param scheduler where the coordinator runs
   * @param config the coordinator's settings
   */
  public GroupCoordinator(
      GroupPersistence persistence, GroupScheduler scheduler, GroupCoordinatorConfig config) {
    this(persistence, scheduler, config, null);
  }

  private GroupCoordinator(
      GroupPersistence persistence,
      GroupScheduler scheduler,
      GroupCoordinatorConfig config,
      ThreadGroupScheduler ownedScheduler) {
    this.scheduler = scheduler;
    this.ownedScheduler = ownedScheduler;
    this.persistence = persistence;
    this.rebalancer = new ClassicRebalancer(groups, scheduler, persistence, config);
    this.classic = new ClassicGroupCoordinator(groups, config, rebalancer);
    this.classicMembership = new ClassicMembership(groups, rebalancer);
    this.consumer = new ConsumerGroupCoordinator(groups, scheduler, persistence, config);
    this.offsets = new OffsetManager(groups, scheduler, persistence, config, rebalancer);
    this.admin = new GroupAdmin(groups, persistence);
    this.views = new GroupViews(groups, persistence);
  }

  /** A coordinator on a thread of its own, stopped by {@link #close}. */
  public static GroupCoordinator onOwnThread(
      GroupPersistence persistence, GroupCoordinatorConfig config) {
    ThreadGroupScheduler thread = new ThreadGroupScheduler("kafka-group-coordinator");
    return new GroupCoordinator(persistence, thread, config, thread);
  }

  /** Loads the recorded groups and starts serving; returns once they are loaded. */
  public void start() {
    CompletableFuture<Integer> loaded = new CompletableFuture<>();
    scheduler.execute(
        () -> {
          int n = 0;
          for (GroupImage image : persistence.groups().all()) {
            switch (image.membership().orElse(null)) {
              case null -> {}
              case ClassicGroupMembership m -> {
                ClassicGroup group = ClassicGroup.fromRecord(image.groupId(), m);
                groups.put(group);
                rebalancer.resume(group);
                n++;
              }
              case ConsumerGroupMembership m -> {
                ConsumerGroup group = ConsumerGroup.fromRecord(image.groupId(), m);
                groups.put(group);
                consumer.resume(group);
                n++;
              }
            }
          }
          phase = Phase.RUNNING;
          loaded.complete(n);
        });
    LOG.info("Group coordinator loaded {} groups.", loaded.join());
  }

  public CompletableFuture<JoinGroupResponseData> joinGroup(
      GroupRequestContext context, JoinGroupRequestData request) {
    return onScheduler(() -> classic.join(context, request));
  }

  public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
    return onScheduler(() -> classic.sync(request));
  }

  /** Heartbeat of a classic member: the error code to answer with. */
  public CompletableFuture<Errors> heartbeat(HeartbeatRequestData request) {
    return onScheduler(
        () -> CompletableFuture.completedFuture(classicMembership.heartbeat(request)));
  }

  public CompletableFuture<LeaveGroupResult> leaveGroup(
      String groupId, List<MemberIdentity> members) {
    return onScheduler(
        () -> CompletableFuture.completedFuture(classicMembership.leave(groupId, members)));
  }

  public CompletableFuture<OffsetCommitResponseData> commitOffsets(
      GroupRequestContext context, OffsetCommitRequestData request) {
    return onScheduler(() -> offsets.commit(context, request));
  }

  /** OffsetFetch of several groups, each answered with its offsets or its error. */
  public CompletableFuture<List<OffsetFetchResponseGroup>> fetchOffsets(
      List<OffsetFetchRequestGroup> requests) {
    return onScheduler(
        () -> CompletableFuture.completedFuture(requests.stream().map(offsets::fetch).toList()));
  }

  public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(
      OffsetDeleteRequestData request) {
    return onScheduler(() -> offsets.delete(request));
  }

  public CompletableFuture<List<ListedGroup>> listGroups(
      List<String> statesFilter, List<String> typesFilter) {
    return onScheduler(
        () -> CompletableFuture.completedFuture(admin.list(statesFilter, typesFilter)));
  }

  public CompletableFuture<List<DescribedGroup>> describeGroups(
      List<String> groupIds, short version) {
    return onScheduler(() -> CompletableFuture.completedFuture(admin.describe(groupIds, version)));
  }

  public CompletableFuture<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
    return onScheduler(() -> admin.delete(groupIds));
  }

  /** Every coordinated group with its members and their assignments, for administrators. */
  public CompletableFuture<List<GroupView>> views() {
    return onScheduler(() -> CompletableFuture.completedFuture(views.all()));
  }

  /**
   * Sets a group's committed offsets on an administrator's behalf, as Kafka's
   * AlterConsumerGroupOffsets does: refused with {@link ActiveMembersException} while the group has
   * members, so that no consumer overwrites the new offsets with its own.
   */
  public CompletableFuture<Void> resetOffsets(String groupId, List<PartitionOffset> offsets) {
    return onScheduler(
        () -> {
          CoordinatedGroup group = groups.get(groupId);
          if (group != null && group.hasMembers()) {
            return CompletableFuture.failedFuture(
                new ActiveMembersException(
                    "Group " + groupId + " has active members; stop its consumers first."));
          }
          return persistence.commitOffsets(groupId, offsets);
        });
  }

  public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
      GroupRequestContext context, ConsumerGroupHeartbeatRequestData request) {
    return onScheduler(() -> consumer.heartbeat(context, request));
  }

  public CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>>
      describeConsumerGroups(List<String> groupIds) {
    return onScheduler(
        () -> CompletableFuture.completedFuture(admin.describeConsumerGroups(groupIds)));
  }

  /**
   * Runs {@code work} on the scheduler and passes on the future it returns. Fails with
   * COORDINATOR_LOAD_IN_PROGRESS before {@link #start} and COORDINATOR_NOT_AVAILABLE after {@link
   * #close}.
   */
  private <T> CompletableFuture<T> onScheduler(Supplier<CompletableFuture<T>> work) {
    switch (phase) {
      case LOADING -> {
        return CompletableFuture.failedFuture(
            new CoordinatorLoadInProgressException("The group coordinator is loading."));
      }
      case CLOSED -> {
        return CompletableFuture.failedFuture(
            new CoordinatorNotAvailableException("The group coordinator is shut down."));
      }
      case RUNNING -> {}
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      scheduler.execute(
          () -> {
            try {
              work.get()
                  .whenComplete(
                      (value, failure) -> {
                        if (failure != null) {
                          result.completeExceptionally(failure);
                        } else {
                          result.complete(value);
                        }
                      });
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new CoordinatorNotAvailableException("The group coordinator is shut down."));
    }
    return result;
  }

  @Override
  public void close() {
    phase = Phase.CLOSED;
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
  }
}
