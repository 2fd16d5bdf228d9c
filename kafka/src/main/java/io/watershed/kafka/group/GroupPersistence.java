package io.watershed.kafka.group;

import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.GroupsImage;
import io.watershed.core.group.PartitionKey;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.metadata.TopicMetadata;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * What the coordinator reads and writes outside itself: durable group state and the topics groups
 * refer to. In production this is core's group and topic stores ({@link StoredGroupPersistence});
 * tests substitute a synchronous in-memory one.
 *
 * <p>Writes complete once durable and visible in {@link #groups()}, on any thread; a refused write
 * fails with {@link io.watershed.core.group.GroupStoreException}. Reads are lock-free snapshots.
 */
public interface GroupPersistence {

  GroupsImage groups();

  Optional<TopicMetadata> topic(String name);

  Optional<TopicMetadata> topic(UUID topicId);

  /** Every topic, sorted by name. */
  Collection<TopicMetadata> topics();

  CompletableFuture<Void> commitOffsets(String groupId, List<PartitionOffset> offsets);

  CompletableFuture<Void> deleteOffsets(String groupId, Collection<PartitionKey> partitions);

  CompletableFuture<Void> deleteGroup(String groupId);

  CompletableFuture<Void> putClassicGroup(String groupId, ClassicGroupMembership membership);

  CompletableFuture<Void> updateConsumerGroup(
      String groupId,
      int groupEpoch,
      int assignmentEpoch,
      Collection<ConsumerMemberRecord> upserts,
      Collection<String> removedMemberIds);
}
