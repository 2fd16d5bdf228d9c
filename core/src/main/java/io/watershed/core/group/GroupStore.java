package io.watershed.core.group;

import io.watershed.core.metadata.CommandResult;
import io.watershed.core.metadata.CommitOffsets;
import io.watershed.core.metadata.DeleteGroup;
import io.watershed.core.metadata.DeleteOffsets;
import io.watershed.core.metadata.GroupCommand;
import io.watershed.core.metadata.MetadataImage;
import io.watershed.core.metadata.MetadataStore;
import io.watershed.core.metadata.PutClassicGroup;
import io.watershed.core.metadata.UpdateConsumerGroup;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Durable group state: committed offsets and the membership records group coordinators need to
 * carry on after a restart. Every change is a metadata command, so it is logged, fsynced (shared
 * with concurrent changes: many offset commits ride one fsync) and part of the snapshots; reads
 * come from the published metadata image without locks.
 *
 * <p>Protocol-free: the coordinators of front doors decide who may change what (member checks,
 * generations, whether a group may be deleted) and then call this.
 *
 * <p>Thread-safe. A future completes on the metadata writer thread once the change is durable and
 * visible in {@link #groups()}; it fails with {@link GroupStoreException} when the state machine
 * refused the change, or with what {@link MetadataStore#submit} documents. Chain blocking or long
 * work with an executor.
 */
public final class GroupStore {
  private final MetadataStore metadata;

  /** Group state kept in {@code metadata}; the store stays owned by the caller. */
  public GroupStore(MetadataStore metadata) {
    this.metadata = Objects.requireNonNull(metadata, "metadata");
  }

  /**
   * Commits offsets for {@code groupId}, creating the group if needed. All or nothing: fails with
   * {@link io.watershed.core.metadata.MetadataError#UNKNOWN_TOPIC} or {@link
   * io.watershed.core.metadata.MetadataError#INVALID_PARTITIONS} if any partition does not exist.
   */
  public CompletableFuture<Void> commitOffsets(String groupId, List<PartitionOffset> offsets) {
    return submit(new CommitOffsets(groupId, offsets));
  }

  /** Deletes the offsets of {@code partitions}; those without one are ignored. */
  public CompletableFuture<Void> deleteOffsets(
      String groupId, Collection<PartitionKey> partitions) {
    return submit(new DeleteOffsets(groupId, List.copyOf(partitions)));
  }

  /** Deletes the group's membership record and offsets; a missing group is not an error. */
  public CompletableFuture<Void> deleteGroup(String groupId) {
    return submit(new DeleteGroup(groupId));
  }

  /** Replaces the group's membership record with a classic group's. */
  public CompletableFuture<Void> putClassicGroup(
      String groupId, ClassicGroupMembership membership) {
    return submit(new PutClassicGroup(groupId, membership));
  }

  /**
   * Changes a consumer group: new epochs, members removed, members added or replaced. A group
   * recorded as a classic group starts over as an empty consumer group.
   */
  public CompletableFuture<Void> updateConsumerGroup(
      String groupId,
      int groupEpoch,
      int assignmentEpoch,
      Collection<ConsumerMemberRecord> upserts,
      Collection<String> removedMemberIds) {
    return submit(
        new UpdateConsumerGroup(
            groupId,
            groupEpoch,
            assignmentEpoch,
            List.copyOf(upserts),
            List.copyOf(removedMemberIds)));
  }

  /** Every group now. Lock-free; the returned image never changes. */
  public GroupsImage groups() {
    return metadata.image().groups();
  }

  public Optional<GroupImage> group(String groupId) {
    return groups().group(groupId);
  }

  /** The offset {@code groupId} committed for {@code topic}/{@code partition}, if any. */
  public Optional<CommittedOffset> committed(String groupId, String topic, int partition) {
    return group(groupId).flatMap(g -> g.offsets().get(topic, partition));
  }

  /**
   * The whole metadata image, for readers that must see groups and the topics they refer to at one
   * point of the log. Lock-free; the returned image never changes.
   */
  public MetadataImage image() {
    return metadata.image();
  }

  private CompletableFuture<Void> submit(GroupCommand command) {
    return metadata
        .submit(command)
        .thenApply(
            result -> {
              if (result instanceof CommandResult.Failure f) {
                throw new GroupStoreException(f.error(), f.message());
              }
              return null;
            });
  }
}
