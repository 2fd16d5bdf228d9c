package io.watershed.core.coordinator;

/**
 * A write: from the shard's current state, the records to append and the response. Runs on the
 * shard's owner; sees the state every earlier operation of the shard produced (including those
 * still being appended in the same group commit). Must not change the state, nor block on I/O.
 *
 * @param <S> the namespace's state
 * @param <T> the response
 */
@FunctionalInterface
public interface WriteOperation<S extends CoordinatorShard, T> {
  /**
   * @throws RuntimeException to refuse the operation: its caller gets this exception and nothing is
   *     written
   */
  CoordinatorResult<T> run(S state);
}
