package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorLog;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.coordinator.MemoryCoordinatorLog;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.GroupImage;
import io.watershed.core.group.GroupMembership;
import io.watershed.core.group.GroupOffsets;
import io.watershed.core.group.GroupsImage;
import io.watershed.core.group.PersistentSortedMap;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.schedule.ManualScheduler;
import io.watershed.log.LogStorageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A group coordinator for tests: on the coordinator runtime over in-memory logs, with a manual
 * clock that runs every task on the test thread, and topics in a map. Appends complete at once, or
 * wait while held; the next append can be made to fail. {@link #restart} opens a new runtime and
 * coordinator over the same logs, as a restart of the server does.
 */
final class GroupRig implements AutoCloseable {
  final ManualScheduler clock = new ManualScheduler();
  final List<MemoryCoordinatorLog> logs = new ArrayList<>();
  final Topics topics = new Topics();
  final Legacy legacy = new Legacy();
  private GroupCoordinatorConfig config;
  private CoordinatorRuntime runtime;
  GroupCoordinator coordinator;

  GroupRig(GroupCoordinatorConfig config, int shards) {
    this.config = config;
    for (int i = 0; i < shards; i++) {
      logs.add(new MemoryCoordinatorLog("__watershed_coordinators-" + i));
    }
  }

  GroupRig(GroupCoordinatorConfig config) {
    this(config, 1);
  }

  /** Opens a runtime and a started coordinator over the logs (moving the legacy groups). */
  GroupCoordinator start() {
    runtime =
        CoordinatorRuntime.create(
            List.<CoordinatorLog>copyOf(logs),
            CoordinatorConfig.DEFAULTS.withShards(logs.size()),
            i -> clock,
            null);
    coordinator = new GroupCoordinator(runtime, topics, config, legacy);
    coordinator.start();
    return coordinator;
  }

  /** Closes the coordinator and its runtime and starts anew on the same logs. */
  GroupCoordinator restart() {
    close();
    return start();
  }

  /** {@link #restart} with other settings. */
  GroupCoordinator restart(GroupCoordinatorConfig newConfig) {
    this.config = newConfig;
    return restart();
  }

  /** The log of the shard holding {@code groupId}. */
  MemoryCoordinatorLog logOf(String groupId) {
    return logs.get(runtime.shardOf(groupId));
  }

  /** Appends wait until {@link #releaseWrites}. */
  void holdWrites() {
    logs.forEach(l -> l.hold(true));
  }

  void releaseWrites() {
    logs.forEach(
        l -> {
          l.hold(false);
          l.release();
        });
  }

  /** The next append of the shard of {@code groupId} fails as a full disk fails it. */
  void failNextWrite(String groupId) {
    logOf(groupId)
        .failNextAppend(
            new LogStorageException(
                "No space left on device", new IOException("No space left on device")),
            false);
  }

  /** The group's membership as committed (durable), if any. */
  Optional<GroupMembership> membership(String groupId) {
    return coordinator.recorded(groupId).join();
  }

  /** The group's committed offsets (durable). */
  GroupOffsets offsets(String groupId) {
    return coordinator.committedOffsets(groupId);
  }

  @Override
  public void close() {
    if (coordinator != null) {
      coordinator.close();
    }
    if (runtime != null) {
      runtime.close();
    }
  }

  /** Topics in a map. */
  static final class Topics implements TopicLookup {
    private final Map<String, TopicMetadata> byName = new TreeMap<>();
    private long nextIndex = 1;

    /** Adds or grows a topic (keeping its id). */
    TopicMetadata topic(String name, int partitions) {
      UUID id = byName.containsKey(name) ? byName.get(name).topicId() : UUID.randomUUID();
      TopicMetadata t = new TopicMetadata(name, id, partitions, Map.of(), nextIndex++);
      byName.put(name, t);
      return t;
    }

    void delete(String name) {
      byName.remove(name);
    }

    @Override
    public Optional<TopicMetadata> topic(String name) {
      return Optional.ofNullable(byName.get(name));
    }

    @Override
    public Optional<TopicMetadata> topic(UUID topicId) {
      return byName.values().stream().filter(t -> t.topicId().equals(topicId)).findFirst();
    }

    @Override
    public Collection<TopicMetadata> topics() {
      return List.copyOf(byName.values());
    }
  }

  /** Groups kept as an earlier version kept them, in a metadata image; deletes can be refused. */
  static final class Legacy implements LegacyGroups {
    GroupsImage groups = GroupsImage.EMPTY;
    int deletes;

    /** Deletes fail once this many have succeeded (a crash midway); -1: never. */
    int failAfter = -1;

    void put(String groupId, GroupMembership membership) {
      groups = groups.withMembership(groupId, membership);
    }

    void put(String groupId, ConsumerMemberRecord... members) {
      PersistentSortedMap<String, ConsumerMemberRecord> map = PersistentSortedMap.empty();
      for (ConsumerMemberRecord m : members) {
        map = map.with(m.memberId(), m);
      }
      put(groupId, new ConsumerGroupMembership(1, 1, map));
    }

    @Override
    public GroupsImage groups() {
      return groups;
    }

    @Override
    public CompletableFuture<Void> deleteGroup(String groupId) {
      if (failAfter >= 0 && deletes >= failAfter) {
        return CompletableFuture.failedFuture(new IllegalStateException("crashed"));
      }
      deletes++;
      groups = groups.withoutGroup(groupId);
      return CompletableFuture.completedFuture(null);
    }

    Optional<GroupImage> group(String groupId) {
      return groups.group(groupId);
    }
  }

  static boolean isClassic(Optional<GroupMembership> m) {
    return m.isPresent() && m.get() instanceof ClassicGroupMembership;
  }
}
