package io.watershed.kafka;

import io.watershed.core.topic.TopicException;
import io.watershed.log.InvalidTimestampException;
import io.watershed.log.LogClosedException;
import io.watershed.log.LogDamagedException;
import io.watershed.log.LogStorageException;
import io.watershed.log.OffsetOutOfRangeException;
import io.watershed.log.OutOfOrderSequenceException;
import io.watershed.log.ProducerFencedException;
import io.watershed.log.RecordTooLargeException;
import io.watershed.log.format.CorruptBatchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps what the log engine and core report to Kafka's own exceptions and error codes. Only an
 * exception nobody expected (a bug) is logged here, with its stack trace; every mapped one is the
 * client's doing or was logged where it happened, so a client retrying it cannot flood the log.
 */
public final class KafkaErrors {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaErrors.class);

  private KafkaErrors() {}

  /** The Kafka exception for {@code t}, unwrapping futures' wrappers. */
  public static ApiException toApiException(Throwable t) {
    Throwable c = unwrap(t);
    if (c instanceof ApiException api) {
      return api;
    }
    String m = c.getMessage();
    return switch (c) {
      case CorruptBatchException e -> new CorruptRecordException(m);
      case RecordTooLargeException e ->
          new org.apache.kafka.common.errors.RecordTooLargeException(m);
      case InvalidTimestampException e ->
          new org.apache.kafka.common.errors.InvalidTimestampException(m);
      case io.watershed.log.InvalidRecordException e -> new InvalidRecordException(m);
      case OutOfOrderSequenceException e ->
          new org.apache.kafka.common.errors.OutOfOrderSequenceException(m);
      case ProducerFencedException e -> new InvalidProducerEpochException(m);
      case OffsetOutOfRangeException e ->
          new org.apache.kafka.common.errors.OffsetOutOfRangeException(m);
      // Storage failures of the log and of the metadata store (disk full, I/O error), which logged
      // them where they happened: Kafka's KAFKA_STORAGE_ERROR, which clients retry.
      case LogStorageException e -> new KafkaStorageException(m);
      case IOException e -> new KafkaStorageException(m);
      case UncheckedIOException e -> new KafkaStorageException(m);
      // A read reached a fenced, damaged range: Kafka's answer to a batch that fails its checks,
      // which kafka-clients raises as "Encountered corrupt message when fetching offset ...".
      case LogDamagedException e -> new CorruptRecordException(m);
      // The metadata store has too many commands waiting (or the broker's pools are stopping):
      // the request was not carried out. REQUEST_TIMED_OUT, which clients retry, as Kafka answers
      // when its controller does not get to a request in time.
      case RejectedExecutionException e -> new TimeoutException(m);
      case LogClosedException e -> new UnknownTopicOrPartitionException(m);
      case TopicException e ->
          switch (e.error()) {
            case TOPIC_ALREADY_EXISTS -> new TopicExistsException(m);
            case UNKNOWN_TOPIC -> new UnknownTopicOrPartitionException(m);
            case INVALID_TOPIC_NAME, INVALID_TOPIC_ID, INTERNAL_TOPIC ->
                new InvalidTopicException(m);
            case INVALID_PARTITIONS -> new InvalidPartitionsException(m);
            case INVALID_CONFIG -> new InvalidConfigurationException(m);
            case COMMAND_TOO_LARGE -> new InvalidRequestException(m);
          };
      default -> {
        LOG.error("unexpected error serving a Kafka request", c);
        yield new UnknownServerException("internal error: " + c);
      }
    };
  }

  /** The Kafka error code for {@code t}. */
  public static Errors errorOf(Throwable t) {
    return Errors.forException(toApiException(t));
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
