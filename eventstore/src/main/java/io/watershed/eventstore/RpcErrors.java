package io.watershed.eventstore;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.watershed.core.stream.AppendTooLargeException;
import io.watershed.core.stream.EventStoreException;
import io.watershed.core.stream.InvalidEventException;
import io.watershed.core.stream.PersistentSubscriptionException;
import io.watershed.core.stream.StreamDeletedException;
import io.watershed.core.stream.WrongExpectedRevisionException;
import io.watershed.log.LogClosedException;
import io.watershed.log.LogDamagedException;
import io.watershed.log.LogStorageException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event store's refusals as KurrentDB sends them: a gRPC status plus trailers whose {@code
 * exception} key names the error, which the clients turn into their own exceptions.
 *
 * <table>
 *   <caption>Errors and their wire form</caption>
 *   <tr><th>refusal</th><th>status</th><th>{@code exception}</th><th>other trailers</th></tr>
 *   <tr><td>tombstoned stream</td><td>FAILED_PRECONDITION</td><td>stream-deleted</td>
 *       <td>stream-name</td></tr>
 *   <tr><td>wrong expected revision (delete, tombstone)</td><td>FAILED_PRECONDITION</td>
 *       <td>wrong-expected-version</td>
 *       <td>stream-name, expected-version, actual-version (raw: -1 no stream, -2 any,
 *       -4 stream exists)</td></tr>
 *   <tr><td>append too large</td><td>INVALID_ARGUMENT</td><td>maximum-append-size-exceeded</td>
 *       <td>maximum-append-size</td></tr>
 *   <tr><td>no such persistent subscription</td><td>NOT_FOUND</td>
 *       <td>persistent-subscription-does-not-exist</td><td>stream-name, group-name</td></tr>
 *   <tr><td>persistent subscription exists</td><td>ALREADY_EXISTS</td>
 *       <td>persistent-subscription-exists</td><td>stream-name, group-name</td></tr>
 *   <tr><td>too many subscribers</td><td>FAILED_PRECONDITION</td>
 *       <td>maximum-subscribers-reached</td><td>stream-name, group-name</td></tr>
 *   <tr><td>malformed request, invalid name or event</td><td>INVALID_ARGUMENT</td><td>–</td>
 *       <td>–</td></tr>
 *   <tr><td>the log refuses a write or cannot read (disk full, I/O error: a failed write fences
 *       the partition until the disk takes writes again), or is closed (the server is
 *       stopping)</td>
 *       <td>UNAVAILABLE</td><td>–</td><td>–</td></tr>
 *   <tr><td>a read reaches a damaged, fenced range of the log</td><td>DATA_LOSS</td><td>–</td>
 *       <td>–</td></tr>
 *   <tr><td>anything else</td><td>INTERNAL</td><td>–</td><td>–</td></tr>
 * </table>
 *
 * <p>Storage failures are found anywhere in the cause chain (the store wraps them in its own
 * exceptions) and are not logged here: the log and the store log them once, not once per call.
 */
final class RpcErrors {
  private static final Logger LOG = LoggerFactory.getLogger(RpcErrors.class);

  static final Metadata.Key<String> EXCEPTION = key("exception");
  static final Metadata.Key<String> STREAM_NAME = key("stream-name");
  static final Metadata.Key<String> GROUP_NAME = key("group-name");
  static final Metadata.Key<String> EXPECTED_VERSION = key("expected-version");
  static final Metadata.Key<String> ACTUAL_VERSION = key("actual-version");
  static final Metadata.Key<String> MAXIMUM_APPEND_SIZE = key("maximum-append-size");

  private RpcErrors() {}

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  /** The wire form of a failure of an operation on the stream or group named. */
  static StatusRuntimeException of(Throwable t, String stream, String group) {
    Throwable cause = unwrap(t);
    Status storage = storageFailure(cause);
    if (storage != null && !(cause instanceof StatusRuntimeException)) {
      return storage.asRuntimeException();
    }
    Metadata trailers = new Metadata();
    Status status;
    switch (cause) {
      case StatusRuntimeException sre -> {
        return sre;
      }
      case StreamDeletedException e -> {
        status =
            Status.FAILED_PRECONDITION.withDescription(
                "Event stream '" + e.stream() + "' is deleted.");
        trailers.put(EXCEPTION, "stream-deleted");
        trailers.put(STREAM_NAME, e.stream());
      }
      case WrongExpectedRevisionException e -> {
        status =
            Status.FAILED_PRECONDITION.withDescription(
                "Append failed due to WrongExpectedVersion. Stream: "
                    + e.stream()
                    + ", Expected version: "
                    + Wire.rawExpected(e.expected())
                    + ", Actual version: "
                    + e.actualRevision());
        trailers.put(EXCEPTION, "wrong-expected-version");
        trailers.put(STREAM_NAME, e.stream());
        trailers.put(EXPECTED_VERSION, Long.toString(Wire.rawExpected(e.expected())));
        trailers.put(ACTUAL_VERSION, Long.toString(e.actualRevision()));
      }
      case AppendTooLargeException e -> {
        status =
            Status.INVALID_ARGUMENT.withDescription(
                "Maximum Append Size of " + e.maxAppendBytes() + " Exceeded.");
        trailers.put(EXCEPTION, "maximum-append-size-exceeded");
        trailers.put(MAXIMUM_APPEND_SIZE, Integer.toString(e.maxAppendBytes()));
      }
      case PersistentSubscriptionException e -> {
        String name =
            switch (e.reason()) {
              case NOT_FOUND -> "persistent-subscription-does-not-exist";
              case ALREADY_EXISTS -> "persistent-subscription-exists";
              case MAXIMUM_SUBSCRIBERS_REACHED -> "maximum-subscribers-reached";
            };
        status =
            switch (e.reason()) {
              case NOT_FOUND -> Status.NOT_FOUND;
              case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
              case MAXIMUM_SUBSCRIBERS_REACHED -> Status.FAILED_PRECONDITION;
            };
        status = status.withDescription(e.getMessage());
        trailers.put(EXCEPTION, name);
        if (stream != null) {
          trailers.put(STREAM_NAME, stream);
        }
        if (group != null) {
          trailers.put(GROUP_NAME, group);
        }
      }
      case InvalidEventException e ->
          status = Status.INVALID_ARGUMENT.withDescription(e.getMessage());
      case IllegalArgumentException e ->
          status = Status.INVALID_ARGUMENT.withDescription(e.getMessage());
      case EventStoreException e -> status = Status.INTERNAL.withDescription(e.getMessage());
      default -> {
        LOG.warn("Unexpected failure serving an event-store request", cause);
        status = Status.INTERNAL.withDescription(cause.toString());
      }
    }
    return status.asRuntimeException(trailers);
  }

  static StatusRuntimeException of(Throwable t) {
    return of(t, null, null);
  }

  /** Deepest cause looked at: guards against a chain that loops. */
  private static final int MAX_CAUSES = 16;

  /**
   * The status of a storage failure behind {@code t}, or null when it is none: UNAVAILABLE when the
   * log refused a write, failed a read or is closed, DATA_LOSS when a read reached a damaged range.
   */
  static Status storageFailure(Throwable t) {
    Throwable c = t;
    for (int depth = 0; c != null && depth < MAX_CAUSES; depth++, c = c.getCause()) {
      switch (c) {
        case LogStorageException e -> {
          return Status.UNAVAILABLE.withDescription("Storage unavailable: " + e.getMessage());
        }
        case LogClosedException e -> {
          return Status.UNAVAILABLE.withDescription(
              "Storage unavailable: the log is closed (the server is stopping)");
        }
        case LogDamagedException e -> {
          return Status.DATA_LOSS.withDescription(damaged(e));
        }
        default -> {}
      }
    }
    return null;
  }

  /** What a damaged range means to a client: $all positions are the log's offsets. */
  private static String damaged(LogDamagedException e) {
    String range =
        e.endOffset() < 0
            ? "from position " + e.firstOffset() + " on"
            : e.endOffset() - e.firstOffset() == 1
                ? "at position " + e.firstOffset()
                : "at positions " + e.firstOffset() + " to " + (e.endOffset() - 1);
    return "Events "
        + range
        + " of $all are damaged on disk and fenced: they cannot be read until an operator"
        + " repairs the log ("
        + e.getMessage()
        + ")";
  }

  /** A request that does not say what it needs to. */
  static StatusRuntimeException badRequest(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
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
