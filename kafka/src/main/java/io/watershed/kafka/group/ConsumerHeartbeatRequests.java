package io.watershed.kafka.group;

import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.PartitionAssignment;
import io.watershed.kafka.KafkaBroker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.errors.InvalidRegularExpression;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;

/**
 * The ConsumerGroupHeartbeat wire shapes: which requests the protocol allows (with Kafka's error
 * messages), the owned partitions a request reports, and the assignment an answer carries. Pure and
 * thread-safe.
 */
final class ConsumerHeartbeatRequests {
  private ConsumerHeartbeatRequests() {}

  /** Throws the error a malformed request is refused with. */
  static void validate(ConsumerGroupHeartbeatRequestData r, short version) {
    requireNonEmpty(r.groupId(), "GroupId can't be empty.");
    if (r.instanceId() != null) {
      requireNonEmpty(r.instanceId(), "InstanceId can't be empty.");
    }
    if (r.rackId() != null) {
      requireNonEmpty(r.rackId(), "RackId can't be empty.");
    }
    int epoch = r.memberEpoch();
    if (epoch > 0 || epoch == -1 || (epoch == 0 && version >= 1)) {
      requireNonEmpty(r.memberId(), "MemberId can't be empty.");
    }
    if (epoch == 0) {
      if (r.rebalanceTimeoutMs() == -1) {
        throw new InvalidRequestException("RebalanceTimeoutMs must be provided in first request.");
      }
      if (r.topicPartitions() == null || !r.topicPartitions().isEmpty()) {
        throw new InvalidRequestException("TopicPartitions must be empty when (re-)joining.");
      }
      if (r.subscribedTopicNames() == null && r.subscribedTopicRegex() == null) {
        throw new InvalidRequestException(
            "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
      }
    } else if (epoch == ConsumerMemberRecord.LEFT_STATIC_EPOCH) {
      requireNonEmpty(r.memberId(), "MemberId can't be empty.");
      if (r.instanceId() == null) {
        throw new InvalidRequestException("InstanceId can't be null.");
      }
    } else if (epoch < -1) {
      throw new InvalidRequestException("MemberEpoch is invalid.");
    }
    if (r.serverAssignor() != null && !UniformAssignor.NAME.equals(r.serverAssignor())) {
      throw new UnsupportedAssignorException(
          "ServerAssignor "
              + r.serverAssignor()
              + " is not supported. Supported assignors: "
              + UniformAssignor.NAME
              + ".");
    }
    if (r.subscribedTopicRegex() != null && !r.subscribedTopicRegex().isEmpty()) {
      try {
        Pattern.compile(r.subscribedTopicRegex());
      } catch (PatternSyntaxException e) {
        throw new InvalidRegularExpression(
            "SubscribedTopicRegex "
                + r.subscribedTopicRegex()
                + " is not valid: "
                + e.getMessage());
      }
    }
  }

  private static void requireNonEmpty(String value, String message) {
    if (value == null || value.isEmpty()) {
      throw new InvalidRequestException(message);
    }
  }

  /** The partitions the member reports owning, or null when the request does not say. */
  static Map<UUID, Set<Integer>> owned(ConsumerGroupHeartbeatRequestData request) {
    if (request.topicPartitions() == null) {
      return null;
    }
    Map<UUID, Set<Integer>> owned = new LinkedHashMap<>();
    for (ConsumerGroupHeartbeatRequestData.TopicPartitions tp : request.topicPartitions()) {
      owned
          .computeIfAbsent(
              new UUID(
                  tp.topicId().getMostSignificantBits(), tp.topicId().getLeastSignificantBits()),
              t -> new HashSet<>())
          .addAll(tp.partitions());
    }
    return owned;
  }

  /** An assignment as a heartbeat answer carries it: partitions by topic id. */
  static ConsumerGroupHeartbeatResponseData.Assignment assignmentOf(
      PartitionAssignment partitions) {
    ConsumerGroupHeartbeatResponseData.Assignment out =
        new ConsumerGroupHeartbeatResponseData.Assignment();
    partitions
        .partitions()
        .forEach(
            (topic, indexes) ->
                out.topicPartitions()
                    .add(
                        new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                            .setTopicId(KafkaBroker.toKafka(topic))
                            .setPartitions(new ArrayList<>(indexes))));
    return out;
  }
}
