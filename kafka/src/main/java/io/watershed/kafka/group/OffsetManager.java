package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorRecord;
import io.watershed.core.coordinator.CoordinatorResult;
import io.watershed.core.group.CommittedOffset;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.GroupOffsets;
import io.watershed.core.group.GroupStoreException;
import io.watershed.core.group.PartitionKey;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.group.PersistentSortedMap;
import io.watershed.core.metadata.MetadataError;
import io.watershed.core.metadata.TopicMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartitionCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopicCollection;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;

/**
 * Committed offsets: OffsetCommit (checked against the group's membership, generation or member
 * epoch, as Kafka checks them), OffsetFetch and OffsetDelete, as handlers on the group's shard: an
 * accepted commit is a record per partition ({@link GroupRecords}), answered once durable. Offsets
 * carry the id of their topic, and only those of the topic now of that name are ever answered: the
 * offsets of a deleted topic never count for a new topic of the same name, as Kafka removes them
 * with the topic. Runs on its shard's owner.
 */
final class OffsetManager {
  /** What OffsetFetch answers for a partition without a committed offset. */
  static final long NO_OFFSET = -1;

  private final GroupShard shard;
  private final TopicLookup topics;
  private final GroupCoordinatorConfig config;
  private final ClassicRebalancer rebalancer;

  OffsetManager(GroupShard shard) {
    this.shard = shard;
    this.topics = shard.topics;
    this.config = shard.config;
    this.rebalancer = shard.rebalancer;
  }

  /**
   * An answer built by a handler whose parts wait for the write: when it fails, each pending part
   * gets the write's error.
   */
  static final class Outcome<R, P> {
    R response;
    final List<P> pending = new ArrayList<>();
  }

  /** OffsetCommit: the accepted offsets as records; answered once they are durable. */
  CoordinatorResult<OffsetCommitResponseData> commit(
      GroupShardState state,
      GroupRequestContext context,
      OffsetCommitRequestData request,
      Outcome<OffsetCommitResponseData, OffsetCommitResponsePartition> out) {
    OffsetCommitResponseData response = new OffsetCommitResponseData();
    out.response = response;
    Errors groupError;
    try {
      checkCommit(context, request);
      groupError = Errors.NONE;
    } catch (ApiException e) {
      groupError = Errors.forException(e);
    }
    long now = shard.nowMs();
    List<CoordinatorRecord> records = new ArrayList<>();
    for (OffsetCommitRequestTopic topic : request.topics()) {
      OffsetCommitResponseTopic answers = new OffsetCommitResponseTopic().setName(topic.name());
      response.topics().add(answers);
      Optional<TopicMetadata> meta = topics.topic(topic.name());
      for (OffsetCommitRequestPartition p : topic.partitions()) {
        OffsetCommitResponsePartition answer =
            new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
        answers.partitions().add(answer);
        String metadata = p.committedMetadata() == null ? "" : p.committedMetadata();
        if (groupError != Errors.NONE) {
          answer.setErrorCode(groupError.code());
        } else if (metadata.length() > config.offsetMetadataMaxBytes()) {
          answer.setErrorCode(Errors.OFFSET_METADATA_TOO_LARGE.code());
        } else if (meta.isEmpty()
            || p.partitionIndex() < 0
            || p.partitionIndex() >= meta.get().partitionCount()) {
          answer.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        } else {
          int leaderEpoch = Math.max(CommittedOffset.NO_LEADER_EPOCH, p.committedLeaderEpoch());
          records.add(
              GroupRecords.offset(
                  request.groupId(),
                  new PartitionKey(topic.name(), p.partitionIndex()),
                  new OffsetEntry(
                      meta.get().topicId(),
                      new CommittedOffset(p.committedOffset(), leaderEpoch, metadata, now))));
          out.pending.add(answer);
        }
      }
    }
    return CoordinatorResult.of(records, response);
  }

  /**
   * The answer to a commit the coordinator could not take at all: every partition has {@code code}.
   */
  static OffsetCommitResponseData commitError(OffsetCommitRequestData request, short code) {
    OffsetCommitResponseData response = new OffsetCommitResponseData();
    for (OffsetCommitRequestTopic topic : request.topics()) {
      OffsetCommitResponseTopic answers = new OffsetCommitResponseTopic().setName(topic.name());
      response.topics().add(answers);
      for (OffsetCommitRequestPartition p : topic.partitions()) {
        answers
            .partitions()
            .add(
                new OffsetCommitResponsePartition()
                    .setPartitionIndex(p.partitionIndex())
                    .setErrorCode(code));
      }
    }
    return response;
  }

  /**
   * Offsets set by an administrator (AlterConsumerGroupOffsets, the admin API's reset): refused
   * with {@link ActiveMembersException} while the group has members, so that no consumer overwrites
   * them with its own.
   */
  CoordinatorResult<Void> reset(
      GroupShardState state, String groupId, List<PartitionOffset> offsets) {
    CoordinatedGroup group = shard.group(groupId);
    if (group != null && group.hasMembers()) {
      throw new ActiveMembersException(
          "Group " + groupId + " has active members; stop its consumers first.");
    }
    List<CoordinatorRecord> records = new ArrayList<>();
    for (PartitionOffset o : offsets) {
      TopicMetadata t =
          topics
              .topic(o.topic())
              .filter(m -> o.partition() < m.partitionCount())
              .orElseThrow(
                  () ->
                      new GroupStoreException(
                          MetadataError.UNKNOWN_TOPIC,
                          "no partition " + o.partition() + " of topic " + o.topic()));
      records.add(
          GroupRecords.offset(groupId, o.key(), new OffsetEntry(t.topicId(), o.committed())));
    }
    return CoordinatorResult.of(records, null);
  }

  /** Throws the error a whole commit is refused with, as Kafka's coordinator decides it. */
  private void checkCommit(GroupRequestContext context, OffsetCommitRequestData request) {
    if (request.groupId() == null || request.groupId().isEmpty()) {
      throw Errors.INVALID_GROUP_ID.exception();
    }
    int generation = request.generationIdOrMemberEpoch();
    switch (shard.group(request.groupId())) {
      case null -> {
        // Without group management (generation -1) anyone may commit: a "simple" group.
        if (generation >= 0) {
          throw context.apiVersion() >= 9
              ? new GroupIdNotFoundException("Group " + request.groupId() + " not found.")
              : Errors.ILLEGAL_GENERATION.exception();
        }
      }
      case ClassicGroup g -> checkClassicCommit(g, request);
      case ConsumerGroup g -> checkConsumerCommit(g, context, request);
    }
  }

  private void checkClassicCommit(ClassicGroup group, OffsetCommitRequestData request) {
    int generation = request.generationIdOrMemberEpoch();
    if (generation < 0 && group.isIn(ClassicGroupState.EMPTY)) {
      return;
    }
    if (generation >= 0 || !request.memberId().isEmpty() || request.groupInstanceId() != null) {
      group.validateMember(request.memberId(), request.groupInstanceId());
      if (generation != group.generation()) {
        throw Errors.ILLEGAL_GENERATION.exception();
      }
    } else if (!group.isIn(ClassicGroupState.EMPTY)) {
      throw Errors.UNKNOWN_MEMBER_ID.exception();
    }
    if (group.isIn(ClassicGroupState.COMPLETING_REBALANCE)) {
      // The member knows the new generation but not yet its assignment.
      throw Errors.REBALANCE_IN_PROGRESS.exception();
    }
    // A commit keeps a classic member's session alive, as a heartbeat does.
    if (group.isIn(ClassicGroupState.STABLE) || group.isIn(ClassicGroupState.PREPARING_REBALANCE)) {
      rebalancer.rescheduleSession(group, group.member(request.memberId()));
    }
  }

  /**
   * A consumer-group member commits with its current epoch, or with an older one for partitions it
   * received at or before that epoch and still holds (a commit racing with the heartbeat answer
   * that moved it on).
   */
  private void checkConsumerCommit(
      ConsumerGroup group, GroupRequestContext context, OffsetCommitRequestData request) {
    int epoch = request.generationIdOrMemberEpoch();
    if (epoch < 0 && !group.hasMembers()) {
      return;
    }
    ConsumerMemberRecord member = group.member(request.memberId());
    if (member == null) {
      throw new UnknownMemberIdException(
          "Member " + request.memberId() + " is not a member of group " + group.groupId() + ".");
    }
    if (context.apiVersion() < 9) {
      throw new UnsupportedVersionException(
          "OffsetCommit version 9 or above must be used by members using the consumer group"
              + " protocol");
    }
    if (epoch == member.memberEpoch()) {
      return;
    }
    if (epoch > member.memberEpoch()) {
      throw new StaleMemberEpochException(
          "Received member epoch " + epoch + " is newer than current member epoch.");
    }
    for (OffsetCommitRequestTopic topic : request.topics()) {
      Optional<TopicMetadata> meta = topics.topic(topic.name());
      for (OffsetCommitRequestPartition p : topic.partitions()) {
        Integer received =
            meta.map(t -> group.receivedAtEpoch(member.memberId(), t.topicId(), p.partitionIndex()))
                .orElse(null);
        if (received == null || received > epoch) {
          throw new StaleMemberEpochException(
              "Partition "
                  + topic.name()
                  + "-"
                  + p.partitionIndex()
                  + " was not assigned to the member at epoch "
                  + epoch
                  + ".");
        }
      }
    }
  }

  /** OffsetFetch of one group: its error, or its offsets (-1 for partitions without one). */
  OffsetFetchResponseGroup fetch(GroupShardState state, OffsetFetchRequestGroup request) {
    OffsetFetchResponseGroup out = new OffsetFetchResponseGroup().setGroupId(request.groupId());
    if (shard.group(request.groupId()) instanceof ConsumerGroup g
        && (request.memberId() != null || request.memberEpoch() >= 0)) {
      ConsumerMemberRecord member = g.member(request.memberId());
      if (member == null) {
        return out.setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
      }
      if (member.memberEpoch() != request.memberEpoch()) {
        return out.setErrorCode(Errors.STALE_MEMBER_EPOCH.code());
      }
    }
    GroupOffsets offsets = visibleOffsets(state, request.groupId());
    if (request.topics() == null) {
      for (String topic : offsets.topics()) {
        OffsetFetchResponseTopics answers = new OffsetFetchResponseTopics().setName(topic);
        out.topics().add(answers);
        for (PartitionOffset o : offsets.ofTopic(topic)) {
          answers.partitions().add(answer(o.partition(), Optional.of(o.committed())));
        }
      }
      return out;
    }
    for (OffsetFetchRequestTopics topic : request.topics()) {
      OffsetFetchResponseTopics answers = new OffsetFetchResponseTopics().setName(topic.name());
      out.topics().add(answers);
      for (int p : topic.partitionIndexes()) {
        answers
            .partitions()
            .add(answer(p, p < 0 ? Optional.empty() : offsets.get(topic.name(), p)));
      }
    }
    return out;
  }

  /**
   * The group's committed offsets of topics that exist now and are the topics the offsets were
   * committed for (a deleted topic's offsets are left out until its tombstones remove them).
   */
  GroupOffsets visibleOffsets(GroupShardState state, String groupId) {
    return visible(state.offsets(groupId), topics);
  }

  /**
   * The offsets of {@code entries} whose topic still exists with the id they were committed for.
   */
  static GroupOffsets visible(
      PersistentSortedMap<PartitionKey, OffsetEntry> entries, TopicLookup topics) {
    GroupOffsets out = GroupOffsets.EMPTY;
    Map<String, UUID> ids = new HashMap<>();
    for (Map.Entry<PartitionKey, OffsetEntry> e : entries) {
      String topic = e.getKey().topic();
      UUID id =
          ids.computeIfAbsent(
              topic, t -> topics.topic(t).map(TopicMetadata::topicId).orElse(NO_TOPIC));
      if (id.equals(e.getValue().topicId())) {
        out =
            out.with(new PartitionOffset(topic, e.getKey().partition(), e.getValue().committed()));
      }
    }
    return out;
  }

  private static final UUID NO_TOPIC = new UUID(0, 0);

  /**
   * Tombstones for the offsets of this shard whose topic is gone or was recreated: what deleting a
   * topic removes.
   */
  List<CoordinatorRecord> staleOffsets(GroupShardState state) {
    List<CoordinatorRecord> out = new ArrayList<>();
    Map<String, UUID> ids = new HashMap<>();
    state
        .allOffsets()
        .forEach(
            (groupId, entries) -> {
              for (Map.Entry<PartitionKey, OffsetEntry> e : entries) {
                UUID id =
                    ids.computeIfAbsent(
                        e.getKey().topic(),
                        t -> topics.topic(t).map(TopicMetadata::topicId).orElse(NO_TOPIC));
                if (!id.equals(e.getValue().topicId())) {
                  out.add(CoordinatorRecord.tombstone(GroupRecords.offsetKey(groupId, e.getKey())));
                }
              }
            });
    return out;
  }

  private static OffsetFetchResponsePartitions answer(int partition, Optional<CommittedOffset> o) {
    return new OffsetFetchResponsePartitions()
        .setPartitionIndex(partition)
        .setCommittedOffset(o.map(CommittedOffset::offset).orElse(NO_OFFSET))
        .setCommittedLeaderEpoch(o.map(CommittedOffset::leaderEpoch).orElse(-1))
        .setMetadata(o.map(CommittedOffset::metadata).orElse(""));
  }

  /**
   * OffsetDelete: offsets of topics the group still consumes are kept (GROUP_SUBSCRIBED_TO_TOPIC);
   * a classic group of another kind than consumers may only lose offsets while empty.
   */
  CoordinatorResult<OffsetDeleteResponseData> delete(
      GroupShardState state,
      OffsetDeleteRequestData request,
      Outcome<OffsetDeleteResponseData, OffsetDeleteResponsePartition> out) {
    String groupId = request.groupId();
    CoordinatedGroup group = shard.group(groupId);
    OffsetDeleteResponseData response = new OffsetDeleteResponseData();
    out.response = response;
    if (group == null && !state.hasRecords(groupId)) {
      return CoordinatorResult.of(response.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()));
    }
    if (group instanceof ClassicGroup g && g.hasMembers() && !"consumer".equals(g.protocolType())) {
      return CoordinatorResult.of(response.setErrorCode(Errors.NON_EMPTY_GROUP.code()));
    }
    PersistentSortedMap<PartitionKey, OffsetEntry> committed = state.offsets(groupId);
    OffsetDeleteResponseTopicCollection topics = new OffsetDeleteResponseTopicCollection();
    List<CoordinatorRecord> records = new ArrayList<>();
    for (OffsetDeleteRequestData.OffsetDeleteRequestTopic topic : request.topics()) {
      boolean subscribed = isSubscribed(group, topic.name());
      OffsetDeleteResponsePartitionCollection partitions =
          new OffsetDeleteResponsePartitionCollection();
      for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : topic.partitions()) {
        OffsetDeleteResponsePartition answer =
            new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex());
        if (subscribed) {
          answer.setErrorCode(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
        } else if (p.partitionIndex() >= 0) {
          PartitionKey key = new PartitionKey(topic.name(), p.partitionIndex());
          if (committed.containsKey(key)) {
            records.add(CoordinatorRecord.tombstone(GroupRecords.offsetKey(groupId, key)));
            out.pending.add(answer);
          }
        }
        partitions.add(answer);
      }
      topics.add(new OffsetDeleteResponseTopic().setName(topic.name()).setPartitions(partitions));
    }
    response.setTopics(topics);
    return CoordinatorResult.of(records, response);
  }

  private static boolean isSubscribed(CoordinatedGroup group, String topic) {
    return switch (group) {
      case null -> false;
      case ClassicGroup g -> g.hasMembers() && g.isSubscribedTo(topic);
      case ConsumerGroup g ->
          g.members().stream()
              .anyMatch(
                  m ->
                      m.subscribedTopicNames().contains(topic)
                          || (m.subscribedTopicRegex() != null
                              && Pattern.matches(m.subscribedTopicRegex(), topic)));
    };
  }
}
