package io.watershed.core.coordinator;

/**
 * One namespace's state on one shard, built only by replaying committed records: at load every
 * record of the shard's partition, in offset order, and after each write the records it appended.
 * The same {@link #replay} serves both, so the state after a write equals the state a restart
 * rebuilds.
 *
 * <p>Confined to its shard's owner: the runtime calls every method, and runs every operation that
 * reads the state, on the shard's executor, one at a time; the state needs no locks. To share a
 * view with other threads, publish an immutable copy from {@link #committed}.
 *
 * <p>A write handler receives the state but must not change it (it returns records instead). While
 * a write's records are being appended, the state already holds them (so the next handler in the
 * same group commit sees its predecessors' effect); if the append fails, the runtime throws this
 * object away and replays the shard's log into a fresh one.
 */
public interface CoordinatorShard {

  /**
   * Applies one committed record of this namespace.
   *
   * @param key the namespace's key bytes (without the namespace prefix)
   * @param value the value, or null for a tombstone
   * @throws RuntimeException when the record cannot be decoded: at load this stops the shard's load
   *     (the log is damaged or was written by a newer version); after a write it fails the write
   */
  void replay(byte[] key, byte[] value);

  /**
   * Called on the owner when the state equals the committed state again: after the load, after each
   * write batch is durable, after a rebuild. The place to publish an immutable view for readers on
   * other threads. Must be quick and must not throw.
   */
  default void committed() {}
}
