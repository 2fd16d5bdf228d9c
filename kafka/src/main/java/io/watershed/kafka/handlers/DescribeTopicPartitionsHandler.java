package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.metadata.TopicRules;
import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;

/**
 * DescribeTopicPartitions (v0), the AdminClient's way to describe topics: the topics asked for (all
 * when none are named), sorted by name, with their partitions, this node leading each.
 *
 * <p>Paging as in Kafka: at most {@code response_partition_limit} partitions per response (capped
 * at {@value #MAX_PARTITIONS_PER_RESPONSE}, at least 1), starting at the request's cursor; when
 * partitions remain, {@code next_cursor} names the topic and partition to continue from. A cursor
 * naming a topic the request does not list, or a negative partition, is {@code INVALID_REQUEST}.
 * Topics named but absent are {@code UNKNOWN_TOPIC_OR_PARTITION} ({@code INVALID_TOPIC_EXCEPTION}
 * when the name is malformed).
 */
final class DescribeTopicPartitionsHandler implements ApiHandler {
  /** Kafka's {@code max.request.partition.size.limit} default. */
  static final int MAX_PARTITIONS_PER_RESPONSE = 2000;

  private static final int AUTHORIZED_OPERATIONS_OMITTED = Integer.MIN_VALUE;

  private final KafkaBroker broker;

  DescribeTopicPartitionsHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_TOPIC_PARTITIONS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    DescribeTopicPartitionsRequestData req =
        request.body(DescribeTopicPartitionsRequest.class).data();
    boolean all = req.topics().isEmpty();
    DescribeTopicPartitionsRequestData.Cursor cursor = req.cursor();
    String from = cursor == null ? "" : cursor.topicName();
    SortedSet<String> names = new TreeSet<>();
    if (all) {
      broker.topics().list().forEach(t -> names.add(t.name()));
    } else {
      req.topics().stream().map(TopicRequest::name).forEach(names::add);
      if (cursor != null && !names.contains(cursor.topicName())) {
        return CompletableFuture.failedFuture(
            new InvalidRequestException(
                "DescribeTopicPartitionsRequest topic list should contain the cursor topic: "
                    + cursor.topicName()));
      }
    }
    if (cursor != null && cursor.partitionIndex() < 0) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(
              "DescribeTopicPartitionsRequest cursor partition must be valid: " + cursor));
    }
    DescribeTopicPartitionsResponseData out =
        new DescribeTopicPartitionsResponseData().setThrottleTimeMs(0);
    int remaining =
        Math.max(Math.min(MAX_PARTITIONS_PER_RESPONSE, req.responsePartitionLimit()), 1);
    for (String name : names.tailSet(from)) {
      if (remaining == 0) {
        // The previous topic filled the page exactly: continue with this one.
        out.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
        break;
      }
      Optional<TopicMetadata> topic = broker.topics().describe(name);
      if (topic.isEmpty()) {
        if (!all) {
          out.topics().add(absent(name));
        }
        continue;
      }
      int start = name.equals(from) ? cursor.partitionIndex() : 0;
      int count = topic.get().partitionCount();
      int end = Math.min(count, start + remaining);
      out.topics().add(describe(topic.get(), start, end));
      if (end < count) {
        out.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(end));
        break;
      }
      remaining -= Math.max(0, end - start);
    }
    return CompletableFuture.completedFuture(new DescribeTopicPartitionsResponse(out));
  }

  private DescribeTopicPartitionsResponseTopic describe(TopicMetadata t, int start, int end) {
    int node = broker.nodeId();
    List<DescribeTopicPartitionsResponsePartition> partitions = new ArrayList<>();
    for (int p = start; p < end; p++) {
      partitions.add(
          new DescribeTopicPartitionsResponsePartition()
              .setErrorCode(Errors.NONE.code())
              .setPartitionIndex(p)
              .setLeaderId(node)
              .setLeaderEpoch(0)
              .setReplicaNodes(List.of(node))
              .setIsrNodes(List.of(node))
              .setEligibleLeaderReplicas(List.of())
              .setLastKnownElr(List.of())
              .setOfflineReplicas(List.of()));
    }
    return new DescribeTopicPartitionsResponseTopic()
        .setErrorCode(Errors.NONE.code())
        .setName(t.name())
        .setTopicId(KafkaBroker.toKafka(t.topicId()))
        .setIsInternal(TopicStore.isInternal(t.name()))
        .setPartitions(partitions)
        .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
  }

  private static DescribeTopicPartitionsResponseTopic absent(String name) {
    Errors error =
        TopicRules.checkName(name).isPresent()
            ? Errors.INVALID_TOPIC_EXCEPTION
            : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    return new DescribeTopicPartitionsResponseTopic()
        .setErrorCode(error.code())
        .setName(name)
        .setTopicId(Uuid.ZERO_UUID)
        .setIsInternal(false)
        .setPartitions(List.of())
        .setTopicAuthorizedOperations(AUTHORIZED_OPERATIONS_OMITTED);
  }
}
