package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.metadata.MetadataError;
import io.watershed.core.topic.TopicException;
import io.watershed.log.LogDamagedException;
import io.watershed.log.LogStorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * What a client gets for what the log engine and core report: storage failures are Kafka's
 * retriable KAFKA_STORAGE_ERROR, a damaged range is CORRUPT_MESSAGE, and none of them is logged
 * again by the door; only an exception nobody expected is logged, with its stack.
 */
class KafkaErrorsTest {
  @Test
  void storageFailuresAreKafkaStorageErrorsAndAreNotLoggedAgain() {
    try (LogCapture log = LogCapture.of(KafkaErrors.class)) {
      assertThat(KafkaErrors.errorOf(new LogStorageException("t-0 refuses writes", null)))
          .isEqualTo(Errors.KAFKA_STORAGE_ERROR);
      assertThat(KafkaErrors.errorOf(new IOException("No space left on device")))
          .isEqualTo(Errors.KAFKA_STORAGE_ERROR);
      assertThat(
              KafkaErrors.errorOf(
                  new UncheckedIOException(new IOException("No space left on device"))))
          .isEqualTo(Errors.KAFKA_STORAGE_ERROR);
      // As metadata writes and appends fail: inside the futures' wrappers.
      assertThat(
              KafkaErrors.errorOf(
                  new CompletionException(new IOException("the metadata store failed"))))
          .isEqualTo(Errors.KAFKA_STORAGE_ERROR);
      assertThat(
              KafkaErrors.errorOf(
                  new ExecutionException(new LogStorageException("fsync failed", null))))
          .isEqualTo(Errors.KAFKA_STORAGE_ERROR);
      assertThat(log.events()).isEmpty();
    }
  }

  @Test
  void aReadOfADamagedRangeIsCorruptMessageWithTheLogsMessage() {
    try (LogCapture log = LogCapture.of(KafkaErrors.class)) {
      LogDamagedException damaged =
          new LogDamagedException("orders-0: offsets 100 to 199 are damaged", 100, 200);
      assertThat(KafkaErrors.errorOf(damaged)).isEqualTo(Errors.CORRUPT_MESSAGE);
      assertThat(KafkaErrors.toApiException(new CompletionException(damaged)).getMessage())
          .isEqualTo("orders-0: offsets 100 to 199 are damaged");
      assertThat(log.events()).isEmpty();
    }
  }

  @Test
  void aMetadataStoreWithTooManyCommandsWaitingIsATimeoutClientsRetry() {
    try (LogCapture log = LogCapture.of(KafkaErrors.class)) {
      assertThat(
              KafkaErrors.errorOf(
                  new CompletionException(
                      new RejectedExecutionException(
                          "the metadata store has 1024 commands waiting already"))))
          .isEqualTo(Errors.REQUEST_TIMED_OUT);
      assertThat(log.events()).isEmpty();
    }
  }

  @Test
  void refusalsOfCoreKeepTheirOwnCodes() {
    assertThat(
            KafkaErrors.errorOf(new TopicException(MetadataError.TOPIC_ALREADY_EXISTS, "exists")))
        .isEqualTo(Errors.TOPIC_ALREADY_EXISTS);
    assertThat(KafkaErrors.errorOf(new TopicException(MetadataError.INVALID_CONFIG, "bad")))
        .isEqualTo(Errors.INVALID_CONFIG);
  }

  @Test
  void onlyTheUnexpectedIsUnknownServerErrorAndLoggedWithItsStack() {
    try (LogCapture log = LogCapture.of(KafkaErrors.class)) {
      assertThat(KafkaErrors.errorOf(new IllegalStateException("a bug")))
          .isEqualTo(Errors.UNKNOWN_SERVER_ERROR);
      assertThat(log.warnings()).hasSize(1);
      assertThat(log.withStackTraces()).hasSize(1);
    }
  }
}
