package io.watershed.core.coordinator;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * A door's (or a core service's) own family of coordinator records, registered with {@link
 * CoordinatorRuntime#register}: its records are keyed within its name, its state is built by its
 * {@link CoordinatorShard}s, and its operations run on the shards. Core knows no namespace's types;
 * a new door adds records by registering a namespace, without touching core.
 *
 * <p>Thread-safe. Futures complete on the shard's thread: chain blocking work with an executor.
 *
 * @param <S> the namespace's state on one shard
 */
public final class CoordinatorNamespace<S extends CoordinatorShard> {
  private final String name;
  private final byte[] nameBytes;
  private final IntFunction<S> newState;
  private final CoordinatorRuntime runtime;

  CoordinatorNamespace(String name, IntFunction<S> newState, CoordinatorRuntime runtime) {
    this.name = name;
    this.nameBytes = CoordinatorRecords.namespaceBytes(name);
    this.newState = newState;
    this.runtime = runtime;
  }

  public String name() {
    return name;
  }

  byte[] nameBytes() {
    return nameBytes;
  }

  S newState(int shard) {
    return newState.apply(shard);
  }

  /** How many shards there are; shards are numbered from 0. */
  public int shards() {
    return runtime.shards();
  }

  /** The shard that holds {@code shardKey}'s state ({@link CoordinatorRuntime#shardOf}). */
  public int shardOf(String shardKey) {
    return runtime.shardOf(shardKey);
  }

  /**
   * Runs a write on {@code shard}: its records are appended durably and replayed into the state,
   * then the future completes with its response. Fails with the handler's exception (nothing
   * written) or a {@link CoordinatorException}; a failed write changed no state.
   */
  public <T> CompletableFuture<T> write(int shard, WriteOperation<S, T> op) {
    return runtime.shard(shard).write(this, op);
  }

  /** Runs a read on {@code shard} once the operations submitted before it have committed. */
  public <T> CompletableFuture<T> read(int shard, ReadOperation<S, T> op) {
    return runtime.shard(shard).read(this, op);
  }

  /** Loads this namespace's state on every shard; fails with the first shard that cannot load. */
  public CompletableFuture<Void> loadAll() {
    CompletableFuture<?>[] loads = new CompletableFuture<?>[shards()];
    for (int i = 0; i < loads.length; i++) {
      loads[i] = read(i, state -> null);
    }
    return CompletableFuture.allOf(loads);
  }

  /**
   * Runs {@code op} as a write on {@code shard} once {@code delayMs} have passed by the shard's
   * clock, replacing any timer of this namespace with the same {@code key} on that shard (a session
   * timeout rescheduled on every heartbeat, say). The operation must check the state itself: a
   * timer set by a handler whose write then failed still fires.
   */
  public void schedule(int shard, String key, long delayMs, WriteOperation<S, ?> op) {
    runtime.shard(shard).schedule(this, key, delayMs, op);
  }

  /** Cancels the timer of {@code key} on {@code shard}, if it has not fired. */
  public void cancel(int shard, String key) {
    runtime.shard(shard).cancel(this, key);
  }

  /** The shard's clock, milliseconds since the epoch: what handlers use for "now". */
  public long nowMs(int shard) {
    return runtime.shard(shard).scheduler().nowMs();
  }

  @Override
  public String toString() {
    return "CoordinatorNamespace[" + name + "]";
  }
}
