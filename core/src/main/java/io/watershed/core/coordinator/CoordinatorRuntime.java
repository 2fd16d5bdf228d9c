package io.watershed.core.coordinator;

import io.watershed.core.schedule.SerialScheduler;
import io.watershed.core.topic.TopicStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one durable control-plane path for coordinator state (Kafka groups, the Kinesis catalog,
 * subscription cursors), in the shape of Kafka's {@code CoordinatorRuntime}:
 *
 * <ul>
 *   <li>State is partitioned into shards, one per partition of {@link CoordinatorTopic#NAME}; a
 *       caller names the shard by a key ({@link #shardOf}), so one Kafka group's offsets and
 *       members sit in one shard while different groups commit in parallel.
 *   <li>A write is a handler: state in, records and response out ({@link WriteOperation}). The
 *       records are appended durably to the shard's partition, replayed into the state, and only
 *       then does the caller get the response. A failed append changes nothing.
 *   <li>One replay path ({@link CoordinatorShard#replay}) builds the state at load and applies
 *       every write, so the state after a write is the state a restart rebuilds.
 *   <li>Namespaces ({@link #register}) let each door bring its own record types and codecs; core
 *       knows none of them.
 * </ul>
 *
 * <p>In a cluster the shard's partition is replicated and its leader runs the shard: appends
 * complete once the quorum has them, and a new leader loads the shard by the same replay. See
 * {@link Shard} for the invariants of one shard. Thread-safe.
 */
public final class CoordinatorRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorRuntime.class);

  /** How long {@link #close} waits for the batches being appended. */
  static final long CLOSE_TIMEOUT_MS = 10_000;

  private final List<Shard> shards;
  private final ConcurrentHashMap<String, CoordinatorNamespace<?>> namespaces =
      new ConcurrentHashMap<>();
  private final CoordinatorStats stats = new CoordinatorStats();
  private final AutoCloseable threads;

  private CoordinatorRuntime(
      List<CoordinatorLog> logs,
      CoordinatorConfig config,
      IntFunction<SerialScheduler> schedulers,
      AutoCloseable threads) {
    List<Shard> list = new ArrayList<>(logs.size());
    for (int i = 0; i < logs.size(); i++) {
      list.add(new Shard(i, logs.get(i), schedulers.apply(i), config, stats));
    }
    this.shards = List.copyOf(list);
    this.threads = threads;
  }

  /**
   * Opens the runtime on the coordinator topic of {@code topics} (created when missing), on its own
   * threads ({@link CoordinatorThreads#defaults}). Shards load lazily, each namespace on its first
   * operation there; see {@link CoordinatorNamespace#loadAll} to load eagerly.
   */
  public static CoordinatorRuntime open(TopicStore topics, CoordinatorConfig config)
      throws IOException {
    CoordinatorThreads threads = CoordinatorThreads.defaults();
    try {
      return new CoordinatorRuntime(
          CoordinatorTopic.open(topics, config), config, i -> threads.newScheduler(), threads);
    } catch (IOException | RuntimeException e) {
      threads.close();
      throw e;
    }
  }

  /**
   * A runtime over given logs and schedulers (tests, tools, and later the replicated partitions).
   *
   * @param logs one per shard
   * @param schedulers the scheduler of each shard
   * @param onClose closed after the shards (the schedulers' threads), or null
   */
  public static CoordinatorRuntime create(
      List<CoordinatorLog> logs,
      CoordinatorConfig config,
      IntFunction<SerialScheduler> schedulers,
      AutoCloseable onClose) {
    if (logs.isEmpty()) {
      throw new IllegalArgumentException("a coordinator runtime needs at least one shard");
    }
    return new CoordinatorRuntime(logs, config, schedulers, onClose);
  }

  /**
   * Registers a namespace. Its state on a shard is built on first use by replaying the shard's
   * records of this namespace, so a door may register after others have written: nothing of its
   * records is lost in between (records of namespaces not registered stay in the log untouched).
   *
   * @param name 1 to 64 of {@code [a-z0-9._-]}, by convention {@code <door>.<thing>}
   * @param newState makes the empty state of one shard, given the shard's number
   * @throws IllegalStateException when {@code name} is registered already
   */
  public <S extends CoordinatorShard> CoordinatorNamespace<S> register(
      String name, IntFunction<S> newState) {
    CoordinatorNamespace<S> ns = new CoordinatorNamespace<>(name, newState, this);
    if (namespaces.putIfAbsent(name, ns) != null) {
      throw new IllegalStateException("coordinator namespace " + name + " is registered already");
    }
    return ns;
  }

  /** The number of shards. */
  public int shards() {
    return shards.size();
  }

  /**
   * The shard of {@code shardKey}: {@code abs(shardKey.hashCode()) % shards()} as Kafka places a
   * group in {@code __consumer_offsets} ({@code String.hashCode} is fixed by the language, so the
   * placement never changes for a given shard count).
   */
  public int shardOf(String shardKey) {
    int h = shardKey.hashCode();
    return (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % shards.size();
  }

  Shard shard(int shard) {
    if (shard < 0 || shard >= shards.size()) {
      throw new IllegalArgumentException(
          "no coordinator shard " + shard + " (there are " + shards.size() + ")");
    }
    return shards.get(shard);
  }

  public CoordinatorStats stats() {
    return stats;
  }

  /**
   * Refuses new operations, fails those waiting, waits (bounded) for the batches being appended,
   * then stops the threads. Safe to call more than once.
   */
  @Override
  public void close() {
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (Shard s : shards) {
      closing.add(s.close());
    }
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
          .get(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("coordinator shards did not finish their writes in time: {}", e.toString());
    }
    if (threads != null) {
      try {
        threads.close();
      } catch (Exception e) {
        LOG.warn("closing the coordinator threads failed: {}", e.toString());
      }
    }
  }
}
