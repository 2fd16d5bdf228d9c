package io.watershed.core.coordinator;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What a write operation decided: the records to append to its shard and the response its caller
 * gets once they are durable. The handler that returns it has not changed any state; the state
 * changes by replaying these records, the same way it is rebuilt at load.
 *
 * @param records the records to append, in order, all in one atomic batch; empty when the operation
 *     changes nothing (its response still waits for the operations before it to commit)
 * @param response the caller's answer; may be null
 * @param appendFuture null, or a future the runtime completes on the shard's owner once the records
 *     are committed (normally) or not (exceptionally, with the write's failure), before the
 *     caller's future completes: as Kafka's {@code CoordinatorResult.appendFuture}, the place for
 *     work that must follow the outcome on the shard's thread, such as answering requests a handler
 *     parked (dependents added to it in the handler run on the owner, in order with the shard's
 *     other work)
 * @param <T> the response type
 */
public record CoordinatorResult<T>(
    List<CoordinatorRecord> records, T response, CompletableFuture<Void> appendFuture) {
  public CoordinatorResult {
    records = List.copyOf(records);
  }

  /** A result that writes nothing. */
  public static <T> CoordinatorResult<T> of(T response) {
    return new CoordinatorResult<>(List.of(), response, null);
  }

  /** A result that writes {@code records}. */
  public static <T> CoordinatorResult<T> of(List<CoordinatorRecord> records, T response) {
    return new CoordinatorResult<>(records, response, null);
  }
}
