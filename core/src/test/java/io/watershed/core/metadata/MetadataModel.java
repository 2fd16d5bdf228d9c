package io.watershed.core.metadata;

import io.watershed.core.group.CommittedOffset;
import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.GroupImage;
import io.watershed.core.group.GroupMembership;
import io.watershed.core.group.GroupsImage;
import io.watershed.core.group.PartitionKey;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.group.PersistentSortedMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A deliberately plain re-statement of the metadata rules, written from the specification rather
 * than from the production code, for the property test to compare the store against.
 */
final class MetadataModel {

  private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final UUID NIL = new UUID(0, 0);

  private final TopicConfigValidator configRules;
  private final Map<String, TopicMetadata> topics = new TreeMap<>();
  private final Map<String, ModelGroup> groups = new TreeMap<>();
  private long lastIndex;

  /** A group as the model keeps it: a membership record or null, and offsets by partition. */
  record ModelGroup(GroupMembership membership, Map<PartitionKey, CommittedOffset> offsets) {}

  /** The groups of {@code image} in the model's shape, to compare with {@link #groups()}. */
  static Map<String, ModelGroup> groupsOf(GroupsImage image) {
    Map<String, ModelGroup> out = new TreeMap<>();
    for (GroupImage group : image.all()) {
      Map<PartitionKey, CommittedOffset> offsets = new TreeMap<>();
      group.offsets().all().forEach(o -> offsets.put(o.key(), o.committed()));
      out.put(group.groupId(), new ModelGroup(group.membership().orElse(null), offsets));
    }
    return out;
  }

  MetadataModel(TopicConfigValidator configRules) {
    this.configRules = configRules;
  }

  Map<String, TopicMetadata> topics() {
    return topics;
  }

  Map<String, ModelGroup> groups() {
    return groups;
  }

  long lastIndex() {
    return lastIndex;
  }

  /** Applies {@code command}; returns the error expected, or empty for success. */
  Optional<MetadataError> apply(MetadataCommand command) {
    return switch (command) {
      case CreateTopic c -> createTopic(c);
      case DeleteTopic c -> deleteTopic(c);
      case AlterTopicConfigs c -> alterTopicConfigs(c);
      case CreatePartitions c -> createPartitions(c);
      case CommitOffsets c -> commitOffsets(c);
      case DeleteOffsets c -> deleteOffsets(c);
      case DeleteGroup c -> deleteGroup(c);
      case PutClassicGroup c -> putMembership(c.groupId(), c.membership());
      case UpdateConsumerGroup c -> updateConsumerGroup(c);
    };
  }

  private Optional<MetadataError> commitOffsets(CommitOffsets c) {
    if (c.offsets().stream().anyMatch(o -> !legalName(o.topic()))) {
      return Optional.of(MetadataError.INVALID_TOPIC_NAME);
    }
    lastIndex++;
    for (PartitionOffset o : c.offsets()) {
      TopicMetadata topic = topics.get(o.topic());
      if (topic == null) {
        return Optional.of(MetadataError.UNKNOWN_TOPIC);
      }
      if (o.partition() >= topic.partitionCount()) {
        return Optional.of(MetadataError.INVALID_PARTITIONS);
      }
    }
    ModelGroup group = groups.getOrDefault(c.groupId(), new ModelGroup(null, new TreeMap<>()));
    Map<PartitionKey, CommittedOffset> offsets = new TreeMap<>(group.offsets());
    c.offsets().forEach(o -> offsets.put(o.key(), o.committed()));
    putGroup(c.groupId(), group.membership(), offsets);
    return Optional.empty();
  }

  private Optional<MetadataError> deleteOffsets(DeleteOffsets c) {
    lastIndex++;
    ModelGroup group = groups.get(c.groupId());
    if (group != null) {
      Map<PartitionKey, CommittedOffset> offsets = new TreeMap<>(group.offsets());
      c.partitions().forEach(offsets::remove);
      putGroup(c.groupId(), group.membership(), offsets);
    }
    return Optional.empty();
  }

  private Optional<MetadataError> deleteGroup(DeleteGroup c) {
    lastIndex++;
    groups.remove(c.groupId());
    return Optional.empty();
  }

  private Optional<MetadataError> putMembership(String groupId, GroupMembership membership) {
    lastIndex++;
    ModelGroup group = groups.get(groupId);
    putGroup(groupId, membership, group == null ? new TreeMap<>() : group.offsets());
    return Optional.empty();
  }

  private Optional<MetadataError> updateConsumerGroup(UpdateConsumerGroup c) {
    ModelGroup group = groups.get(c.groupId());
    Map<String, ConsumerMemberRecord> members = new TreeMap<>();
    if (group != null && group.membership() instanceof ConsumerGroupMembership consumer) {
      consumer.members().forEach(members::put);
    }
    c.removedMemberIds().forEach(members::remove);
    c.upserts().forEach(m -> members.put(m.memberId(), m));
    return putMembership(
        c.groupId(),
        new ConsumerGroupMembership(
            c.groupEpoch(), c.assignmentEpoch(), PersistentSortedMap.copyOf(members)));
  }

  /** Stores a group, or forgets it when it has neither a membership record nor offsets. */
  private void putGroup(
      String groupId, GroupMembership membership, Map<PartitionKey, CommittedOffset> offsets) {
    if (membership == null && offsets.isEmpty()) {
      groups.remove(groupId);
    } else {
      groups.put(groupId, new ModelGroup(membership, offsets));
    }
  }

  private Optional<MetadataError> createTopic(CreateTopic c) {
    if (!legalName(c.name())) {
      return Optional.of(MetadataError.INVALID_TOPIC_NAME);
    }
    if (c.partitionCount() < 1 || c.partitionCount() > 10_000) {
      return Optional.of(MetadataError.INVALID_PARTITIONS);
    }
    if (c.configs().containsKey("")) {
      return Optional.of(MetadataError.INVALID_CONFIG);
    }
    if (c.topicId().equals(NIL)) {
      return Optional.of(MetadataError.INVALID_TOPIC_ID);
    }
    if (refused(c.configs())) {
      return Optional.of(MetadataError.INVALID_CONFIG);
    }
    lastIndex++;
    if (topics.containsKey(c.name())) {
      return Optional.of(MetadataError.TOPIC_ALREADY_EXISTS);
    }
    if (topics.values().stream().anyMatch(t -> t.topicId().equals(c.topicId()))) {
      return Optional.of(MetadataError.INVALID_TOPIC_ID);
    }
    topics.put(
        c.name(),
        new TopicMetadata(c.name(), c.topicId(), c.partitionCount(), c.configs(), lastIndex));
    return Optional.empty();
  }

  private Optional<MetadataError> deleteTopic(DeleteTopic c) {
    if (!legalName(c.name())) {
      return Optional.of(MetadataError.INVALID_TOPIC_NAME);
    }
    lastIndex++;
    if (topics.remove(c.name()) == null) {
      return Optional.of(MetadataError.UNKNOWN_TOPIC);
    }
    for (String groupId : List.copyOf(groups.keySet())) {
      ModelGroup group = groups.get(groupId);
      Map<PartitionKey, CommittedOffset> offsets = new TreeMap<>(group.offsets());
      offsets.keySet().removeIf(key -> key.topic().equals(c.name()));
      putGroup(groupId, group.membership(), offsets);
    }
    return Optional.empty();
  }

  private Optional<MetadataError> alterTopicConfigs(AlterTopicConfigs c) {
    if (!legalName(c.name())) {
      return Optional.of(MetadataError.INVALID_TOPIC_NAME);
    }
    if (c.set().containsKey("")
        || c.remove().contains("")
        || c.set().keySet().stream().anyMatch(c.remove()::contains)
        || refused(c.set())) {
      return Optional.of(MetadataError.INVALID_CONFIG);
    }
    lastIndex++;
    TopicMetadata topic = topics.get(c.name());
    if (topic == null) {
      return Optional.of(MetadataError.UNKNOWN_TOPIC);
    }
    Map<String, String> configs = new TreeMap<>(topic.configs());
    configs.putAll(c.set());
    c.remove().forEach(configs::remove);
    topics.put(c.name(), topic.withConfigs(configs));
    return Optional.empty();
  }

  private Optional<MetadataError> createPartitions(CreatePartitions c) {
    if (!legalName(c.name())) {
      return Optional.of(MetadataError.INVALID_TOPIC_NAME);
    }
    if (c.newPartitionCount() < 1 || c.newPartitionCount() > 10_000) {
      return Optional.of(MetadataError.INVALID_PARTITIONS);
    }
    lastIndex++;
    TopicMetadata topic = topics.get(c.name());
    if (topic == null) {
      return Optional.of(MetadataError.UNKNOWN_TOPIC);
    }
    if (c.newPartitionCount() <= topic.partitionCount()) {
      return Optional.of(MetadataError.INVALID_PARTITIONS);
    }
    topics.put(c.name(), topic.withPartitionCount(c.newPartitionCount()));
    return Optional.empty();
  }

  private static boolean legalName(String name) {
    return LEGAL_NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
  }

  private boolean refused(Map<String, String> configs) {
    return configs.entrySet().stream()
        .anyMatch(e -> configRules.validate(e.getKey(), e.getValue()).isPresent());
  }
}
