package io.watershed.kafka.group;

import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.GroupImage;
import io.watershed.core.group.GroupMembership;
import io.watershed.core.group.GroupsImage;
import io.watershed.core.group.PartitionKey;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.metadata.TopicMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * {@link GroupPersistence} in memory, applying writes with the same {@link GroupsImage} updates the
 * metadata state machine uses. Writes complete at once, or, while {@link #holdWrites} is on, only
 * when {@link #releaseWrites} is called: a test can see what the coordinator does before and after
 * its state is durable. Counts writes by kind. Writes fail while {@link #failWrites} says so.
 */
final class InMemoryGroupPersistence implements GroupPersistence {
  private GroupsImage groups = GroupsImage.EMPTY;
  private final Map<String, TopicMetadata> topics = new TreeMap<>();
  private final List<Runnable> held = new ArrayList<>();
  private boolean holding;
  private Throwable writeFailure;
  private long nextIndex = 1;
  int classicWrites;
  int consumerWrites;

  /** Adds or replaces a topic. */
  TopicMetadata topic(String name, int partitions) {
    UUID id = topics.containsKey(name) ? topics.get(name).topicId() : UUID.randomUUID();
    TopicMetadata t = new TopicMetadata(name, id, partitions, Map.of(), nextIndex++);
    topics.put(name, t);
    return t;
  }

  void holdWrites() {
    holding = true;
  }

  /**
   * Fails every write from now on with {@code failure}, as the metadata store fails them once its
   * disk is full; null to write again.
   */
  void failWrites(Throwable failure) {
    writeFailure = failure;
  }

  /** Applies and completes the writes held so far, and stops holding. */
  void releaseWrites() {
    holding = false;
    List<Runnable> now = new ArrayList<>(held);
    held.clear();
    now.forEach(Runnable::run);
  }

  /** The membership record of {@code groupId}, if any. */
  Optional<GroupMembership> membership(String groupId) {
    return groups.group(groupId).flatMap(GroupImage::membership);
  }

  @Override
  public GroupsImage groups() {
    return groups;
  }

  @Override
  public Optional<TopicMetadata> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  @Override
  public Optional<TopicMetadata> topic(UUID topicId) {
    return topics.values().stream().filter(t -> t.topicId().equals(topicId)).findFirst();
  }

  @Override
  public Collection<TopicMetadata> topics() {
    return List.copyOf(topics.values());
  }

  @Override
  public CompletableFuture<Void> commitOffsets(String groupId, List<PartitionOffset> offsets) {
    return write(() -> groups = groups.withOffsets(groupId, offsets));
  }

  @Override
  public CompletableFuture<Void> deleteOffsets(String groupId, Collection<PartitionKey> keys) {
    return write(() -> groups = groups.withoutOffsets(groupId, keys));
  }

  @Override
  public CompletableFuture<Void> deleteGroup(String groupId) {
    return write(() -> groups = groups.withoutGroup(groupId));
  }

  @Override
  public CompletableFuture<Void> putClassicGroup(
      String groupId, ClassicGroupMembership membership) {
    classicWrites++;
    return write(() -> groups = groups.withMembership(groupId, membership));
  }

  @Override
  public CompletableFuture<Void> updateConsumerGroup(
      String groupId,
      int groupEpoch,
      int assignmentEpoch,
      Collection<ConsumerMemberRecord> upserts,
      Collection<String> removedMemberIds) {
    consumerWrites++;
    return write(
        () -> {
          ConsumerGroupMembership before =
              membership(groupId)
                  .filter(ConsumerGroupMembership.class::isInstance)
                  .map(ConsumerGroupMembership.class::cast)
                  .orElse(ConsumerGroupMembership.EMPTY);
          groups =
              groups.withMembership(
                  groupId, before.updated(groupEpoch, assignmentEpoch, upserts, removedMemberIds));
        });
  }

  private CompletableFuture<Void> write(Runnable change) {
    if (writeFailure != null) {
      return CompletableFuture.failedFuture(writeFailure);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable apply =
        () -> {
          change.run();
          done.complete(null);
        };
    if (holding) {
      held.add(apply);
    } else {
      apply.run();
    }
    return done;
  }
}
