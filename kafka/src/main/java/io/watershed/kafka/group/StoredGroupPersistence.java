package io.watershed.kafka.group;

import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.GroupStore;
import io.watershed.core.group.GroupsImage;
import io.watershed.core.group.PartitionKey;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** {@link GroupPersistence} over core's stores: the metadata log, fsynced and snapshotted. */
public final class StoredGroupPersistence implements GroupPersistence {
  private final TopicStore topics;
  private final GroupStore groups;

  public StoredGroupPersistence(TopicStore topics) {
    this.topics = topics;
    this.groups = topics.groups();
  }

  @Override
  public GroupsImage groups() {
    return groups.groups();
  }

  @Override
  public Optional<TopicMetadata> topic(String name) {
    return topics.describe(name);
  }

  @Override
  public Optional<TopicMetadata> topic(UUID topicId) {
    return topics.describe(topicId);
  }

  @Override
  public Collection<TopicMetadata> topics() {
    return topics.list();
  }

  @Override
  public CompletableFuture<Void> commitOffsets(String groupId, List<PartitionOffset> offsets) {
    return groups.commitOffsets(groupId, offsets);
  }

  @Override
  public CompletableFuture<Void> deleteOffsets(
      String groupId, Collection<PartitionKey> partitions) {
    return groups.deleteOffsets(groupId, partitions);
  }

  @Override
  public CompletableFuture<Void> deleteGroup(String groupId) {
    return groups.deleteGroup(groupId);
  }

  @Override
  public CompletableFuture<Void> putClassicGroup(
      String groupId, ClassicGroupMembership membership) {
    return groups.putClassicGroup(groupId, membership);
  }

  @Override
  public CompletableFuture<Void> updateConsumerGroup(
      String groupId,
      int groupEpoch,
      int assignmentEpoch,
      Collection<ConsumerMemberRecord> upserts,
      Collection<String> removedMemberIds) {
    return groups.updateConsumerGroup(
        groupId, groupEpoch, assignmentEpoch, upserts, removedMemberIds);
  }
}
