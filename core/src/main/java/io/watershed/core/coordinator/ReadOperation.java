package io.watershed.core.coordinator;

/**
 * A read of committed state: runs on the shard's owner once every operation submitted before it has
 * committed (or failed), so it sees exactly what they left durable. Must not change the state.
 *
 * @param <S> the namespace's state
 * @param <T> the answer
 */
@FunctionalInterface
public interface ReadOperation<S extends CoordinatorShard, T> {
  T run(S state);
}
