package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.CloseConnection;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import io.watershed.log.AppendOptions;
import io.watershed.log.AppendResult;
import io.watershed.log.PartitionLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponseCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * Produce: each partition's batch is appended as sent (compression included) to its log, which
 * validates it, assigns offsets, and deduplicates idempotent producers' retries.
 *
 * <ul>
 *   <li>{@code acks=0}: no response, but when a partition failed the connection is closed, as Kafka
 *       closes it, so that the client refreshes its metadata; {@code acks=1}: answered once
 *       written; {@code acks=all}: answered once durable under {@code log.flush}.
 *   <li>Errors per partition, with Kafka's codes: unknown topics, malformed or corrupt batches, too
 *       large, bad timestamps, out-of-order sequences, stale producer epochs, storage failures;
 *       none of them is logged (they are the client's doing, or the log engine logged them).
 *   <li>Transactions are not supported: transactional batches are refused with INVALID_TXN_STATE.
 *   <li>{@code acks} other than 0, 1 and -1: every partition gets INVALID_REQUIRED_ACKS, as from
 *       Kafka, and nothing is written.
 * </ul>
 */
final class ProduceHandler implements ApiHandler {
  private final KafkaBroker broker;

  ProduceHandler(KafkaBroker broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.PRODUCE;
  }

  /** One partition's outcome, filled in when its append completes. */
  private record Pending(
      TopicProduceResponse topic, PartitionProduceResponse partition, CompletableFuture<?> done) {}

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    ProduceRequest produce = request.body(ProduceRequest.class);
    ProduceRequestData req = produce.data();
    short version = request.version();
    if (req.acks() != 0 && req.acks() != 1 && req.acks() != -1) {
      return CompletableFuture.completedFuture(refuseAll(req, Errors.INVALID_REQUIRED_ACKS));
    }
    AppendOptions acks = req.acks() == -1 ? AppendOptions.DURABLE : AppendOptions.WRITTEN;
    TopicProduceResponseCollection topics = new TopicProduceResponseCollection();
    List<CompletableFuture<?>> appends = new ArrayList<>();
    for (TopicProduceData td : req.topicData()) {
      Optional<TopicMetadata> topic = Topics.find(broker, td.name(), td.topicId());
      TopicProduceResponse tr =
          new TopicProduceResponse().setName(td.name()).setTopicId(td.topicId());
      topics.add(tr);
      for (PartitionProduceData pd : td.partitionData()) {
        PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(pd.index());
        tr.partitionResponses().add(pr);
        if (topic.isEmpty()) {
          fail(
              pr,
              version >= 13 && (td.name() == null || td.name().isEmpty())
                  ? Errors.UNKNOWN_TOPIC_ID
                  : Errors.UNKNOWN_TOPIC_OR_PARTITION,
              null);
          continue;
        }
        if (TopicStore.isInternal(topic.get().name())) {
          fail(pr, Errors.INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic " + td.name());
          continue;
        }
        Optional<PartitionLog> log = broker.topics().partition(topic.get().name(), pd.index());
        if (log.isEmpty()) {
          fail(pr, Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
          continue;
        }
        ApiException refusal = shapeError(version, pd.records());
        if (refusal != null) {
          fail(pr, Errors.forException(refusal), refusal.getMessage());
          continue;
        }
        MemoryRecords records = (MemoryRecords) pd.records();
        if (records.firstBatch().isTransactional()) {
          // Kafka's answer to a transactional batch that is part of no ongoing transaction
          // (UnifiedLog: "Record was not part of an ongoing transaction"): here none can be.
          TransactionsRefusal.refused("a transactional batch for " + td.name() + "-" + pd.index());
          fail(pr, Errors.INVALID_TXN_STATE, TransactionsRefusal.MESSAGE);
          continue;
        }
        appends.add(
            log.get()
                .append(records.buffer().duplicate(), acks)
                .handle(
                    (result, error) -> {
                      if (error != null) {
                        ApiException e = KafkaErrors.toApiException(error);
                        fail(pr, Errors.forException(e), e.getMessage());
                      } else {
                        succeed(pr, result);
                      }
                      return null;
                    }));
      }
    }
    return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              if (req.acks() != 0) {
                return new ProduceResponse(
                    new ProduceResponseData().setResponses(topics).setThrottleTimeMs(0));
              }
              String failed = failures(topics);
              if (!failed.isEmpty()) {
                throw new CloseConnection("acks=0 produce failed: " + failed);
              }
              return null;
            });
  }

  /**
   * What is wrong with the shape of a partition's records, or null: Kafka's checks ({@link
   * ProduceRequest#validateRecords}: at least and at most one batch, magic 2, no ZStandard before
   * v7), and two cases where Kafka's broker fails with UNKNOWN_SERVER_ERROR and a stack trace in
   * its log (a null records field reaches the log as a NullPointerException; a codec id 5-7 makes
   * validateRecords throw IllegalArgumentException from CompressionType.forId). Both get
   * INVALID_RECORD, as validateRecords answers the other malformed batches: the request is wrong,
   * so a retry cannot help, and the CRC covers the codec bits, so it is not damage in transit
   * (which would be CORRUPT_MESSAGE, a retriable error).
   */
  private static ApiException shapeError(short version, BaseRecords records) {
    if (records == null) {
      return new InvalidRecordException(
          "Produce requests with version "
              + version
              + " must have at least one record batch per partition; the records field is null");
    }
    try {
      if (records instanceof MemoryRecords memory) {
        RecordBatch first = memory.firstBatch();
        if (first != null && first.magic() == RecordBatch.MAGIC_VALUE_V2) {
          try {
            first.compressionType();
          } catch (IllegalArgumentException unknownCodec) {
            return new InvalidRecordException(
                "The record batch names no known compression codec ("
                    + unknownCodec.getMessage()
                    + ")");
          }
        }
      }
      ProduceRequest.validateRecords(version, records);
      return null;
    } catch (ApiException e) {
      return e;
    } catch (RuntimeException e) {
      // kafka-clients' batch iterator fails on lengths that overflow (a batch length near
      // Integer.MAX_VALUE): the framing is corrupt, which Kafka's broker answers with a stack
      // trace and UNKNOWN_SERVER_ERROR.
      return new CorruptRecordException("The record batch's framing is corrupt: " + e.getMessage());
    }
  }

  /** "topic-partition: ERROR" for every partition that failed, or "" when none did. */
  private static String failures(TopicProduceResponseCollection topics) {
    StringBuilder out = new StringBuilder();
    for (TopicProduceResponse t : topics) {
      for (PartitionProduceResponse p : t.partitionResponses()) {
        if (p.errorCode() != Errors.NONE.code()) {
          out.append(out.isEmpty() ? "" : ", ")
              .append(t.name())
              .append('-')
              .append(p.index())
              .append(": ")
              .append(Errors.forCode(p.errorCode()));
        }
      }
    }
    return out.toString();
  }

  /** A response failing every partition of {@code req} with {@code error}; nothing is written. */
  private static ProduceResponse refuseAll(ProduceRequestData req, Errors error) {
    TopicProduceResponseCollection topics = new TopicProduceResponseCollection();
    for (TopicProduceData td : req.topicData()) {
      TopicProduceResponse tr =
          new TopicProduceResponse().setName(td.name()).setTopicId(td.topicId());
      topics.add(tr);
      for (PartitionProduceData pd : td.partitionData()) {
        PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(pd.index());
        fail(pr, error, null);
        tr.partitionResponses().add(pr);
      }
    }
    return new ProduceResponse(new ProduceResponseData().setResponses(topics).setThrottleTimeMs(0));
  }

  private static void succeed(PartitionProduceResponse pr, AppendResult r) {
    pr.setErrorCode(Errors.NONE.code())
        .setBaseOffset(r.firstOffset())
        .setLogAppendTimeMs(r.logAppendTime())
        .setLogStartOffset(r.logStartOffset());
  }

  private static void fail(PartitionProduceResponse pr, Errors error, String message) {
    pr.setErrorCode(error.code())
        .setErrorMessage(message)
        .setBaseOffset(-1)
        .setLogAppendTimeMs(-1)
        .setLogStartOffset(-1);
  }
}
