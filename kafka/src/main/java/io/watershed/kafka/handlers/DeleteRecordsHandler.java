package io.watershed.kafka.handlers;

import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import io.watershed.log.PartitionLog;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

/**
 * DeleteRecords (v0-2): moves each partition's log start offset (its low watermark) forward to the
 * offset given, or to the high watermark for -1, and deletes the segments wholly below it. The
 * answer carries the new low watermark once the move is durable; consumers starting from the
 * beginning start there.
 *
 * <p>Errors as in Kafka: an offset beyond the high watermark, or negative other than -1, is {@code
 * OFFSET_OUT_OF_RANGE}; a topic whose {@code cleanup.policy} lacks {@code delete} refuses with
 * {@code POLICY_VIOLATION}; an unknown partition is {@code UNKNOWN_TOPIC_OR_PARTITION}. A failed
 * partition's low watermark is -1. The moves write and fsync files, so they run off the event loop.
 */
final class DeleteRecordsHandler implements ApiHandler {
  private final KafkaBroker broker;

  DeleteRecordsHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DELETE_RECORDS;
  }

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    DeleteRecordsRequestData req = request.body(DeleteRecordsRequest.class).data();
    return CompletableFuture.supplyAsync(() -> delete(req), broker.io());
  }

  private AbstractResponse delete(DeleteRecordsRequestData req) {
    DeleteRecordsResponseData out = new DeleteRecordsResponseData().setThrottleTimeMs(0);
    for (DeleteRecordsTopic t : req.topics()) {
      DeleteRecordsTopicResult tr = new DeleteRecordsTopicResult().setName(t.name());
      out.topics().add(tr);
      for (DeleteRecordsPartition p : t.partitions()) {
        DeleteRecordsPartitionResult pr =
            new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex());
        tr.partitions().add(pr);
        Optional<PartitionLog> log = broker.topics().partition(t.name(), p.partitionIndex());
        if (log.isEmpty()) {
          fail(pr, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        } else if (TopicStore.isInternal(t.name())) {
          fail(pr, Errors.INVALID_TOPIC_EXCEPTION);
        } else if (!log.get().config().cleanupDelete()) {
          fail(pr, Errors.POLICY_VIOLATION);
        } else {
          deleteBefore(log.get(), p.offset(), pr);
        }
      }
    }
    return new DeleteRecordsResponse(out);
  }

  private static void deleteBefore(PartitionLog log, long offset, DeleteRecordsPartitionResult pr) {
    try {
      long target = offset == DeleteRecordsRequest.HIGH_WATERMARK ? log.logEndOffset() : offset;
      if (target < 0) {
        fail(pr, Errors.OFFSET_OUT_OF_RANGE);
        return;
      }
      pr.setLowWatermark(log.deleteRecordsBefore(target)).setErrorCode(Errors.NONE.code());
    } catch (RuntimeException e) {
      fail(pr, KafkaErrors.errorOf(e));
    }
  }

  private static void fail(DeleteRecordsPartitionResult pr, Errors error) {
    pr.setLowWatermark(-1).setErrorCode(error.code());
  }
}
