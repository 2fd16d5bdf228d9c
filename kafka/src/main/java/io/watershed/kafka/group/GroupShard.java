package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorNamespace;
import io.watershed.core.coordinator.CoordinatorRecord;
import io.watershed.core.coordinator.CoordinatorResult;
import io.watershed.core.coordinator.WriteOperation;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.PartitionKey;
import io.watershed.core.group.PersistentSortedMap;
import io.watershed.core.schedule.SerialScheduler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one coordinator shard of the Kafka groups keeps beside its durable {@link GroupShardState}:
 * the state that is deliberately not durable — classic groups as they live (a rebalance in
 * progress, members that joined but are not yet recorded, pending member ids, the futures of parked
 * JoinGroup and SyncGroup requests) and the pattern cache of topic subscriptions — plus the shard's
 * handlers. The namespace's state factory hands this object to every fresh state, so it survives
 * the rebuild that follows a failed append: a failed write loses nothing that was never durable.
 *
 * <p>A group id is a live classic group here, else a consumer group in the state, else a classic
 * group as last recorded (made live on first use, its members' sessions starting then).
 *
 * <p>Classic operations change the live groups directly (none of it is durable) and record the
 * group through {@link #writeClassic}; the records go out with the operation's write, and what must
 * wait for them runs on the write's {@link CoordinatorResult#appendFuture}, on this shard's owner.
 * Consumer-group operations and offsets are plain handlers: records and a response.
 *
 * <p>Confined to the shard's owner, except {@link #publishedOffsets} and {@link #close}.
 */
final class GroupShard {
  private static final Logger LOG = LoggerFactory.getLogger(GroupShard.class);

  final int id;
  final GroupCoordinatorConfig config;
  final TopicLookup topics;
  final TopicSubscriptions subscriptions;
  private CoordinatorNamespace<GroupShardState> namespace;

  /** Live classic groups by id. */
  private final Map<String, ClassicGroup> classic = new HashMap<>();

  final ClassicRebalancer rebalancer;
  final ClassicGroupCoordinator classicGroups;
  final ClassicMembership classicMembership;
  final ConsumerGroupCoordinator consumerGroups;
  final OffsetManager offsets;
  final GroupAdmin admin;
  final GroupViews views;

  /** The state of the operation running now, or the latest one. */
  private GroupShardState state;

  /** The records of the classic operation running now, or null outside one. */
  private Transaction tx;

  private volatile PersistentSortedMap<String, PersistentSortedMap<PartitionKey, OffsetEntry>>
      published = PersistentSortedMap.empty();

  private volatile boolean closed;

  GroupShard(int id, GroupCoordinatorConfig config, TopicLookup topics) {
    this.id = id;
    this.config = config;
    this.topics = topics;
    this.subscriptions = new TopicSubscriptions(topics);
    this.rebalancer = new ClassicRebalancer(this);
    this.classicGroups = new ClassicGroupCoordinator(this);
    this.classicMembership = new ClassicMembership(this);
    this.consumerGroups = new ConsumerGroupCoordinator(this);
    this.offsets = new OffsetManager(this);
    this.admin = new GroupAdmin(this);
    this.views = new GroupViews(this);
  }

  void bind(CoordinatorNamespace<GroupShardState> ns) {
    this.namespace = ns;
  }

  /** A fresh state for the runtime to replay into (the namespace's state factory). */
  GroupShardState newState() {
    GroupShardState s = new GroupShardState(this);
    state = s;
    return s;
  }

  // ---- running operations -----------------------------------------------------------------------

  /** Records one classic operation writes, and the future of their append. */
  private static final class Transaction {
    final GroupShardState state;
    final List<CoordinatorRecord> records = new ArrayList<>();
    final CompletableFuture<Void> appended = new CompletableFuture<>();

    Transaction(GroupShardState state) {
      this.state = state;
    }
  }

  /**
   * Runs a classic-group operation as a write handler: the records it writes through {@link
   * #writeClassic} go out as the handler's result, and what it chained on them runs once they are
   * committed or failed.
   */
  <T> CoordinatorResult<T> run(GroupShardState s, Supplier<T> op) {
    Transaction previous = tx;
    Transaction t = new Transaction(s);
    tx = t;
    state = s;
    try {
      T response = op.get();
      return new CoordinatorResult<>(t.records, response, t.appended);
    } finally {
      tx = previous;
    }
  }

  /** Runs {@code op} with {@code s} as the state lookups see (reads and plain handlers). */
  <T> T with(GroupShardState s, Supplier<T> op) {
    state = s;
    return op.get();
  }

  GroupShardState state() {
    return state;
  }

  /**
   * Writes the records {@code records} makes from the state: with the classic operation running
   * now, or else (in work chained on an earlier write) as a write of their own.
   *
   * @return completes on this shard's owner once they are committed, or fails as the write did
   */
  CompletableFuture<Void> write(Function<GroupShardState, List<CoordinatorRecord>> records) {
    if (tx != null) {
      tx.records.addAll(records.apply(tx.state));
      return tx.appended;
    }
    CompletableFuture<Void> appended = new CompletableFuture<>();
    namespace
        .write(id, s -> new CoordinatorResult<>(records.apply(s), null, appended))
        .whenComplete(
            (ok, e) -> {
              if (e != null) {
                // The handler never ran (the runtime is closed, or overloaded).
                appended.completeExceptionally(e);
              }
            });
    return appended;
  }

  /** Records a classic group: its record, replacing any consumer group of the same id. */
  CompletableFuture<Void> writeClassic(String groupId, ClassicGroupMembership record) {
    return write(
        s -> {
          List<CoordinatorRecord> out = new ArrayList<>(s.consumerTombstones(groupId));
          out.add(GroupRecords.classic(groupId, record));
          return out;
        });
  }

  // ---- groups -----------------------------------------------------------------------------------

  /**
   * The group {@code groupId} as the coordinator serves it: the live classic group, else the
   * committed consumer group (not to be changed), else the recorded classic group made live; null
   * when there is none.
   */
  CoordinatedGroup group(String groupId) {
    ClassicGroup live = classic.get(groupId);
    if (live != null) {
      return live;
    }
    ConsumerGroup consumer = state.consumerGroup(groupId);
    if (consumer != null) {
      return consumer;
    }
    ClassicGroupMembership recorded = state.classicRecord(groupId);
    return recorded == null ? null : materialize(groupId, recorded);
  }

  private ClassicGroup materialize(String groupId, ClassicGroupMembership recorded) {
    ClassicGroup g = ClassicGroup.fromRecord(groupId, recorded);
    classic.put(groupId, g);
    rebalancer.resume(g);
    return g;
  }

  /** Every group served: live classic groups, consumer groups, recorded classic groups. */
  List<CoordinatedGroup> allGroups() {
    for (String id : state.classicRecordIds()) {
      group(id);
    }
    List<CoordinatedGroup> out = new ArrayList<>(classic.values());
    for (ConsumerGroup g : state.consumerGroups()) {
      if (!classic.containsKey(g.groupId())) {
        out.add(g);
      }
    }
    return out;
  }

  /** Makes {@code group} the live classic group of its id. */
  void putClassic(ClassicGroup group) {
    classic.put(group.groupId(), group);
  }

  /** Forgets the live classic group {@code groupId} (deleted, or replaced by a consumer group). */
  void dropClassic(String groupId) {
    ClassicGroup g = classic.remove(groupId);
    if (g != null) {
      rebalancer.cancelTimers(g);
    }
  }

  /** Whether {@code group} is still the live group of its id. */
  boolean isCurrent(ClassicGroup group) {
    return classic.get(group.groupId()) == group;
  }

  // ---- time -------------------------------------------------------------------------------------

  long nowMs() {
    return namespace.nowMs(id);
  }

  /**
   * Runs {@code action} as a classic operation once {@code delayMs} have passed, replacing the
   * timer of {@code key}; the returned handle cancels it.
   */
  SerialScheduler.Timer schedule(String key, long delayMs, Runnable action) {
    namespace.schedule(
        id,
        key,
        delayMs,
        s ->
            run(
                s,
                () -> {
                  if (!closed) {
                    action.run();
                  }
                  return null;
                }));
    return () -> namespace.cancel(id, key);
  }

  /** Runs the write {@code op} once {@code delayMs} have passed, replacing the timer of key. */
  <T> void scheduleWrite(String key, long delayMs, WriteOperation<GroupShardState, T> op) {
    WriteOperation<GroupShardState, T> timed =
        s -> closed ? CoordinatorResult.<T>of(null) : with(s, () -> op.run(s));
    namespace.schedule(id, key, delayMs, timed);
  }

  void cancel(String key) {
    namespace.cancel(id, key);
  }

  /** A timer key of one group, unambiguous whatever the ids hold. */
  static String timerKey(String kind, String groupId, String memberId) {
    return kind + ":" + groupId.length() + ":" + groupId + ":" + (memberId == null ? "" : memberId);
  }

  // ---- published state --------------------------------------------------------------------------

  void publish(PersistentSortedMap<String, PersistentSortedMap<PartitionKey, OffsetEntry>> map) {
    published = map;
  }

  /** The committed offsets of this shard, for readers on any thread. */
  PersistentSortedMap<String, PersistentSortedMap<PartitionKey, OffsetEntry>> publishedOffsets() {
    return published;
  }

  /** Timers set from now on do nothing; any thread. */
  void close() {
    closed = true;
  }

  boolean closed() {
    return closed;
  }

  static void logFailure(String what, String groupId, Throwable failure) {
    LOG.warn("Could not record {} of group {}: {}", what, groupId, failure.toString());
  }
}
