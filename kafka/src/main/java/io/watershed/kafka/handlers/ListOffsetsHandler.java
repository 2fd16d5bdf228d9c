package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import io.watershed.log.PartitionLog;
import io.watershed.log.TimestampOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;

/**
 * ListOffsets: earliest (-2, and earliest-local -4), latest (-1), max timestamp (-3), and the first
 * offset at or after a timestamp; with no such record, offset and timestamp -1. Lookups by
 * timestamp read the disk, so the request is served off the event loop.
 */
final class ListOffsetsHandler implements ApiHandler {
  private final KafkaBroker broker;

  ListOffsetsHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.LIST_OFFSETS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    ListOffsetsRequest req = request.body(ListOffsetsRequest.class);
    return CompletableFuture.supplyAsync(() -> answer(req, request.version()), broker.io());
  }

  private AbstractResponse answer(ListOffsetsRequest req, short version) {
    List<ListOffsetsTopicResponse> topics = new ArrayList<>();
    for (ListOffsetsTopic t : req.data().topics()) {
      Optional<TopicMetadata> topic = broker.topics().describe(t.name());
      ListOffsetsTopicResponse tr = new ListOffsetsTopicResponse().setName(t.name());
      topics.add(tr);
      for (ListOffsetsPartition p : t.partitions()) {
        ListOffsetsPartitionResponse pr =
            new ListOffsetsPartitionResponse()
                .setPartitionIndex(p.partitionIndex())
                .setTimestamp(-1)
                .setOffset(-1)
                .setLeaderEpoch(version >= 4 ? 0 : -1);
        tr.partitions().add(pr);
        Optional<PartitionLog> log =
            topic.flatMap(x -> broker.topics().partition(x.name(), p.partitionIndex()));
        if (log.isEmpty()) {
          pr.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
          continue;
        }
        try {
          lookUp(log.get(), p.timestamp(), pr);
        } catch (RuntimeException e) {
          pr.setErrorCode(KafkaErrors.errorOf(e).code());
        }
      }
    }
    return new ListOffsetsResponse(
        new ListOffsetsResponseData().setThrottleTimeMs(0).setTopics(topics));
  }

  private static void lookUp(PartitionLog log, long timestamp, ListOffsetsPartitionResponse pr) {
    if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
        || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
      pr.setOffset(log.logStartOffset());
    } else if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP
        || timestamp == ListOffsetsRequest.LATEST_TIERED_TIMESTAMP) {
      pr.setOffset(log.logEndOffset());
    } else if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
      TimestampOffset max = log.maxTimestampOffset();
      if (max != null) {
        pr.setOffset(max.offset()).setTimestamp(max.timestamp());
      }
    } else if (timestamp < 0) {
      pr.setErrorCode(Errors.INVALID_REQUEST.code());
    } else {
      TimestampOffset found = log.offsetForTimestamp(timestamp);
      if (found != null) {
        pr.setOffset(found.offset()).setTimestamp(found.timestamp());
      }
    }
  }
}
