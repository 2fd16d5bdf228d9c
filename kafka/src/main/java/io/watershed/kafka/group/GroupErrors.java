package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorException;
import io.watershed.core.group.GroupStoreException;
import io.watershed.kafka.KafkaErrors;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/** The error codes a group client gets when the coordinator cannot do what it asked. */
final class GroupErrors {
  private GroupErrors() {}

  /**
   * The error for a failed write of group state, chosen as Kafka chooses it for a failed append to
   * its offsets topic: errors that make the client look for the coordinator again and retry, except
   * for a refusal that retrying cannot fix.
   */
  static Errors ofWriteFailure(Throwable t) {
    Throwable c = unwrap(t);
    return switch (c) {
      // As Kafka's CoordinatorRuntime errors reach group clients: the runtime is busy or gone
      // (look again, retry), still loading (retry), or its log failed (NOT_COORDINATOR, as below).
      case CoordinatorException e ->
          switch (e.reason()) {
            case OVERLOADED, CLOSED -> Errors.COORDINATOR_NOT_AVAILABLE;
            case LOAD_FAILED -> Errors.COORDINATOR_LOAD_IN_PROGRESS;
            case STORAGE -> Errors.NOT_COORDINATOR;
            case TOO_LARGE -> Errors.INVALID_COMMIT_OFFSET_SIZE;
            case INVALID_RECORDS -> Errors.UNKNOWN_SERVER_ERROR;
          };
      case ApiException e -> Errors.forException(e);
      case GroupStoreException e ->
          switch (e.error()) {
            case UNKNOWN_TOPIC, INVALID_PARTITIONS, INVALID_TOPIC_NAME ->
                Errors.UNKNOWN_TOPIC_OR_PARTITION;
            default -> Errors.UNKNOWN_SERVER_ERROR;
          };
      case RejectedExecutionException e -> Errors.COORDINATOR_NOT_AVAILABLE;
      case IllegalStateException e -> Errors.COORDINATOR_NOT_AVAILABLE;
      default -> {
        // Kafka's coordinator turns a storage failure of its log into NOT_COORDINATOR
        // (CoordinatorOperationExceptionHelper), so the client looks the coordinator up again
        // and retries, rather than KAFKA_STORAGE_ERROR, which group clients do not expect.
        Errors error = KafkaErrors.errorOf(c);
        yield error == Errors.KAFKA_STORAGE_ERROR ? Errors.NOT_COORDINATOR : error;
      }
    };
  }

  /**
   * The exception to fail a request with when the coordinator could not run it at all: Kafka's
   * exception of {@link #ofWriteFailure}'s error, or the exception itself when it is Kafka's.
   */
  static Throwable toKafka(Throwable t) {
    Throwable c = unwrap(t);
    if (c instanceof ApiException || c == null) {
      return c == null ? Errors.UNKNOWN_SERVER_ERROR.exception() : c;
    }
    return ofWriteFailure(c).exception(c.getMessage());
  }

  /** The error code of an exception the coordinator threw while validating a request. */
  static Errors of(Throwable t) {
    Throwable c = unwrap(t);
    return c instanceof ApiException api ? Errors.forException(api) : ofWriteFailure(c);
  }

  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
