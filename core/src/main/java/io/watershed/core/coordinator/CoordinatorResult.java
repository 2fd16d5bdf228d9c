package io.watershed.core.coordinator;

import java.util.List;

/**
 * What a write operation decided: the records to append to its shard and the response its caller
 * gets once they are durable. The handler that returns it has not changed any state; the state
 * changes by replaying these records, the same way it is rebuilt at load.
 *
 * @param records the records to append, in order, all in one atomic batch; empty when the operation
 *     changes nothing (its response still waits for the operations before it to commit)
 * @param response the caller's answer; may be null
 * @param <T> the response type
 */
public record CoordinatorResult<T>(List<CoordinatorRecord> records, T response) {
  public CoordinatorResult {
    records = List.copyOf(records);
  }

  /** A result that writes nothing. */
  public static <T> CoordinatorResult<T> of(T response) {
    return new CoordinatorResult<>(List.of(), response);
  }

  /** A result that writes {@code records}. */
  public static <T> CoordinatorResult<T> of(List<CoordinatorRecord> records, T response) {
    return new CoordinatorResult<>(records, response);
  }
}
