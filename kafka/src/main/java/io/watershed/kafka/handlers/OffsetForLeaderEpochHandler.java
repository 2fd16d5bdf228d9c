package io.watershed.kafka.handlers;

import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaRequest;
import io.watershed.log.PartitionLog;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch, used by consumers to validate their position after a leader change. One
 * node means one leader epoch, 0, for the whole log: its end offset is the log end offset. A
 * request whose current epoch is later than 0 is fenced as Kafka fences unknown future epochs;
 * asking for the end of an epoch later than 0 gets Kafka's undefined answer (epoch and offset -1).
 */
final class OffsetForLeaderEpochHandler implements ApiHandler {
  private final KafkaBroker broker;

  OffsetForLeaderEpochHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    OffsetsForLeaderEpochRequest req = request.body(OffsetsForLeaderEpochRequest.class);
    OffsetForLeaderEpochResponseData out =
        new OffsetForLeaderEpochResponseData().setThrottleTimeMs(0);
    for (OffsetForLeaderTopic t : req.data().topics()) {
      OffsetForLeaderTopicResult tr = new OffsetForLeaderTopicResult().setTopic(t.topic());
      out.topics().add(tr);
      for (OffsetForLeaderPartition p : t.partitions()) {
        EpochEndOffset e =
            new EpochEndOffset().setPartition(p.partition()).setLeaderEpoch(-1).setEndOffset(-1);
        tr.partitions().add(e);
        Optional<PartitionLog> log = broker.topics().partition(t.topic(), p.partition());
        if (log.isEmpty()) {
          e.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        } else if (p.currentLeaderEpoch() > 0) {
          e.setErrorCode(Errors.UNKNOWN_LEADER_EPOCH.code());
        } else if (p.leaderEpoch() > 0) {
          // An epoch after the only one there has been: Kafka answers "undefined" (-1, -1).
          e.setErrorCode(Errors.NONE.code());
        } else {
          e.setLeaderEpoch(0).setEndOffset(log.get().logEndOffset());
        }
      }
    }
    return CompletableFuture.completedFuture(new OffsetsForLeaderEpochResponse(out));
  }
}
