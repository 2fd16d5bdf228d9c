package io.watershed.core.coordinator;

import static io.watershed.core.coordinator.KeyValueShard.add;
import static io.watershed.core.coordinator.KeyValueShard.put;
import static io.watershed.core.coordinator.KeyValueShard.record;
import static io.watershed.core.coordinator.KeyValueShard.remove;
import static io.watershed.core.coordinator.KeyValueShard.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.core.coordinator.CoordinatorException.Reason;
import io.watershed.core.schedule.ManualScheduler;
import io.watershed.log.LogStorageException;
import io.watershed.log.format.CompressionType;
import io.watershed.log.format.RecordBatchBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The runtime over in-memory partitions with a manual scheduler: every task runs on the test
 * thread, appends complete when the test says, so each interleaving is exact.
 */
class CoordinatorRuntimeTest {
  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<MemoryCoordinatorLog> logs = new ArrayList<>();
  private CoordinatorRuntime runtime;
  private CoordinatorNamespace<KeyValueShard> kv;

  private void open(int shards, CoordinatorConfig config) {
    while (logs.size() < shards) {
      logs.add(new MemoryCoordinatorLog("memory-" + logs.size()));
    }
    runtime =
        CoordinatorRuntime.create(
            List.copyOf(logs.subList(0, shards)), config.withShards(shards), i -> scheduler, null);
    kv = runtime.register("test.kv", KeyValueShard::new);
  }

  private void open(int shards) {
    open(shards, CoordinatorConfig.DEFAULTS);
  }

  private void reopen() {
    runtime.close();
    open(logs.size());
  }

  private static <T> T done(CompletableFuture<T> f) {
    assertThat(f).as("completed").isDone();
    return f.join();
  }

  private static CoordinatorException failure(CompletableFuture<?> f) {
    assertThat(f).isCompletedExceptionally();
    try {
      f.join();
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(CoordinatorException.class);
      return (CoordinatorException) e.getCause();
    }
    throw new AssertionError("not failed");
  }

  @Test
  void aWriteAnswersOnceDurableAndItsStateIsWhatAReloadRebuilds() {
    open(1);
    MemoryCoordinatorLog log = logs.get(0);
    log.hold(true);
    CompletableFuture<String> first = kv.write(0, put("a", "1"));
    assertThat(first).as("not answered before the append is durable").isNotDone();
    log.hold(false);
    log.release();
    assertThat(done(first)).isNull();
    assertThat(done(kv.write(0, put("a", "2")))).isEqualTo("1");
    assertThat(done(kv.write(0, put("b", "3")))).isNull();
    assertThat(done(kv.write(0, remove("b")))).isEqualTo("3");
    SortedMap<String, String> live = done(kv.read(0, snapshot()));
    assertThat(live).containsExactly(Map.entry("a", "2"));

    reopen();
    assertThat(done(kv.read(0, snapshot()))).isEqualTo(live);
  }

  @Test
  void replayEqualsLiveStateOverRandomWritesAndFailures() {
    open(4);
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      int shard = random.nextInt(4);
      String key = "k" + random.nextInt(20);
      if (random.nextInt(10) == 0) {
        logs.get(shard)
            .failNextAppend(
                new LogStorageException("disk full", new IOException("disk full")), false);
      }
      logs.get(shard).hold(random.nextInt(4) == 0);
      switch (random.nextInt(3)) {
        case 0 -> kv.write(shard, put(key, "v" + i));
        case 1 -> kv.write(shard, remove(key));
        default -> kv.write(shard, add("n" + random.nextInt(3), random.nextInt(100)));
      }
      if (random.nextInt(3) == 0) {
        logs.forEach(MemoryCoordinatorLog::release);
      }
    }
    logs.forEach(
        l -> {
          l.hold(false);
          l.release();
        });
    List<SortedMap<String, String>> live = new ArrayList<>();
    for (int s = 0; s < 4; s++) {
      live.add(done(kv.read(s, snapshot())));
    }
    reopen();
    for (int s = 0; s < 4; s++) {
      assertThat(done(kv.read(s, snapshot()))).as("shard %d", s).isEqualTo(live.get(s));
    }
    assertThat(runtime.stats().recordsReplayed()).isPositive();
  }

  @Test
  void aFailedWriteChangesNothingAndTheNextWriteGoesOn() {
    open(1);
    MemoryCoordinatorLog log = logs.get(0);
    done(kv.write(0, put("a", "1")));
    KeyValueShard before = done(kv.read(0, s -> s));
    SortedMap<String, String> published = before.published;

    log.failNextAppend(
        new LogStorageException(
            "No space left on device", new IOException("No space left on device")),
        false);
    CoordinatorException e = failure(kv.write(0, put("a", "2")));
    assertThat(e.reason()).isEqualTo(Reason.STORAGE);
    assertThat(e).hasMessageContaining("No space left on device");
    assertThat(done(kv.read(0, snapshot()))).containsExactly(Map.entry("a", "1"));
    KeyValueShard after = done(kv.read(0, s -> s));
    assertThat(after).as("rebuilt from the log").isNotSameAs(before);
    assertThat(after.published).isEqualTo(published);
    assertThat(runtime.stats().rebuilds()).isEqualTo(1);

    assertThat(done(kv.write(0, put("a", "3")))).isEqualTo("1");
    reopen();
    assertThat(done(kv.read(0, snapshot()))).containsExactly(Map.entry("a", "3"));
  }

  @Test
  void aFailedGroupCommitFailsEveryWriteInItAndLeavesTheCommittedState() {
    open(1);
    MemoryCoordinatorLog log = logs.get(0);
    done(kv.write(0, add("n", 1)));
    log.hold(true);
    CompletableFuture<Long> first = kv.write(0, add("n", 1));
    // These queue behind the append in flight and go together in the next batch.
    log.failNextAppend(new LogStorageException("I/O error", new IOException("I/O error")), false);
    List<CompletableFuture<Long>> grouped = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      grouped.add(kv.write(0, add("n", 10)));
    }
    CompletableFuture<SortedMap<String, String>> read = kv.read(0, snapshot());
    log.release();
    assertThat(done(first)).isEqualTo(2);
    assertThat(log.heldAppends()).isEqualTo(1);
    log.release();
    for (CompletableFuture<Long> f : grouped) {
      assertThat(failure(f).reason()).isEqualTo(Reason.STORAGE);
    }
    assertThat(done(read)).containsExactly(Map.entry("n", "2"));
    log.hold(false);
    assertThat(done(kv.write(0, add("n", 1)))).isEqualTo(3);
  }

  @Test
  void aWriteThatReachedTheLogButFailedFencesTheShardUntilRestart() {
    open(1);
    MemoryCoordinatorLog log = logs.get(0);
    done(kv.write(0, put("a", "1")));
    log.failNextAppend(
        new LogStorageException("fsync failed", new IOException("fsync failed")), true);
    assertThat(failure(kv.write(0, put("a", "2"))).reason()).isEqualTo(Reason.STORAGE);
    assertThat(done(kv.read(0, snapshot()))).containsExactly(Map.entry("a", "1"));
    CoordinatorException fenced = failure(kv.write(0, put("b", "1")));
    assertThat(fenced.reason()).isEqualTo(Reason.STORAGE);
    assertThat(fenced).hasMessageContaining("until restarted");
    assertThat(log.appends).as("the fenced write did not reach the log").isEqualTo(2);
  }

  @Test
  void writesOfAShardRunInOrderEachOnItsPredecessorsStateAndShareOneAppend() {
    open(1);
    MemoryCoordinatorLog log = logs.get(0);
    log.hold(true);
    CompletableFuture<Long> first = kv.write(0, add("n", 1));
    List<CompletableFuture<Long>> next = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      next.add(kv.write(0, add("n", 1)));
    }
    CompletableFuture<SortedMap<String, String>> read = kv.read(0, snapshot());
    CompletableFuture<Long> afterRead = kv.write(0, add("n", 1));
    assertThat(log.heldAppends()).isEqualTo(1);
    log.release();
    assertThat(done(first)).isEqualTo(1);
    assertThat(log.heldAppends()).as("the 100 waiting writes form one batch").isEqualTo(1);
    assertThat(read).as("a read waits for the writes before it to commit").isNotDone();
    log.release();
    for (int i = 0; i < 100; i++) {
      assertThat(done(next.get(i))).isEqualTo(i + 2);
    }
    assertThat(done(read)).containsExactly(Map.entry("n", "101"));
    log.release();
    assertThat(done(afterRead)).isEqualTo(102);
    assertThat(runtime.stats().batches()).isEqualTo(3);
    assertThat(runtime.stats().writes()).isEqualTo(102);
  }

  @Test
  void aGroupCommitStopsTakingWritesAtTheBatchLimit() {
    open(1, CoordinatorConfig.DEFAULTS.withMaxBatchBytes(4096));
    MemoryCoordinatorLog log = logs.get(0);
    log.hold(true);
    kv.write(0, put("first", "x"));
    String kib = "v".repeat(1000);
    List<CompletableFuture<String>> writes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      writes.add(kv.write(0, put("k" + i, kib)));
    }
    int batches = 0;
    while (log.heldAppends() > 0) {
      log.release();
      batches++;
    }
    writes.forEach(CoordinatorRuntimeTest::done);
    // About 1 KiB each: four fill a 4 KiB batch (the fourth crosses it), so 10 take three batches.
    assertThat(batches).isEqualTo(1 + 3);
  }

  @Test
  void shardsAreIndependent() {
    open(2);
    logs.get(0).hold(true);
    CompletableFuture<String> stuck = kv.write(0, put("a", "1"));
    CompletableFuture<SortedMap<String, String>> stuckRead = kv.read(0, snapshot());
    assertThat(done(kv.write(1, put("a", "2")))).isNull();
    assertThat(done(kv.read(1, snapshot()))).containsExactly(Map.entry("a", "2"));
    assertThat(stuck).isNotDone();
    assertThat(stuckRead).isNotDone();
    logs.get(0).release();
    assertThat(done(stuckRead)).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void aShardLoadsOnFirstUseAndOperationsWaitForIt() {
    open(1);
    for (int i = 0; i < 50; i++) {
      done(kv.write(0, put("k" + (i % 7), "v" + i)));
    }
    reopen();
    assertThat(runtime.stats().recordsReplayed()).isZero();
    CompletableFuture<String> write = kv.write(0, put("k1", "new"));
    assertThat(done(write)).as("the write saw the loaded state").isEqualTo("v43");
    assertThat(runtime.stats().recordsReplayed()).isEqualTo(50);
    KeyValueShard state = done(kv.read(0, s -> s));
    assertThat(state.commits).as("committed after the load and after the write").isEqualTo(2);
    assertThat(state.published).containsEntry("k1", "new").hasSize(7);
  }

  @Test
  void aNamespaceRegisteredLaterFindsItsRecordsAndOthersIgnoreThem() {
    open(1);
    CoordinatorNamespace<KeyValueShard> other = runtime.register("test.other", KeyValueShard::new);
    done(kv.write(0, put("a", "kv")));
    done(other.write(0, put("a", "other")));
    reopen();
    assertThat(done(kv.read(0, snapshot()))).containsExactly(Map.entry("a", "kv"));
    CoordinatorNamespace<KeyValueShard> late = runtime.register("test.other", KeyValueShard::new);
    assertThat(done(late.read(0, snapshot()))).containsExactly(Map.entry("a", "other"));
    assertThatThrownBy(() -> runtime.register("test.other", KeyValueShard::new))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> runtime.register("Upper Case", KeyValueShard::new))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHandlerThatRefusesWritesNothing() {
    open(1);
    CompletableFuture<Object> refused =
        kv.write(
            0,
            s -> {
              throw new IllegalStateException("no such member");
            });
    assertThat(refused).isCompletedExceptionally();
    assertThatThrownBy(refused::join).hasCauseInstanceOf(IllegalStateException.class);
    assertThat(logs.get(0).appends).isZero();
    assertThat(done(kv.write(0, put("a", "1")))).isNull();
  }

  @Test
  void recordsTheNamespaceCannotReplayFailOnlyTheirWrite() {
    open(1);
    MemoryCoordinatorLog log = logs.get(0);
    log.hold(true);
    kv.write(0, put("first", "1"));
    CompletableFuture<String> before = kv.write(0, put("a", "1"));
    CompletableFuture<String> poisoned =
        kv.write(
            0,
            s ->
                CoordinatorResult.of(
                    List.of(record("b", "2"), record("c", KeyValueShard.POISON)), null));
    CompletableFuture<String> after = kv.write(0, put("d", "4"));
    log.release();
    log.release();
    assertThat(failure(poisoned).reason()).isEqualTo(Reason.INVALID_RECORDS);
    done(before);
    done(after);
    SortedMap<String, String> state = done(kv.read(0, snapshot()));
    assertThat(state).containsOnlyKeys("first", "a", "d");
    reopen();
    assertThat(done(kv.read(0, snapshot()))).isEqualTo(state);
  }

  @Test
  void limitsAreEnforced() {
    open(1, CoordinatorConfig.DEFAULTS.withMaxQueuedOperations(3).withMaxWriteBytes(2048));
    MemoryCoordinatorLog log = logs.get(0);
    assertThat(failure(kv.write(0, put("big", "x".repeat(2048)))).reason())
        .isEqualTo(Reason.TOO_LARGE);
    assertThat(log.appends).isZero();
    log.hold(true);
    kv.write(0, put("a", "1"));
    List<CompletableFuture<String>> queued = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      queued.add(kv.write(0, put("q" + i, "1")));
    }
    assertThat(failure(kv.write(0, put("over", "1"))).reason()).isEqualTo(Reason.OVERLOADED);
    log.hold(false);
    log.release();
    queued.forEach(CoordinatorRuntimeTest::done);
    assertThatThrownBy(
            () -> new CoordinatorRecord(new byte[CoordinatorRecords.MAX_KEY_BYTES + 1], null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CoordinatorConfig.DEFAULTS.withShards(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CoordinatorConfig.DEFAULTS.withShards(1025))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDamagedRecordStopsTheLoadOfItsShardOnly() {
    open(2);
    done(kv.write(0, put("a", "1")));
    done(kv.write(1, put("a", "1")));
    logs.get(0)
        .appendRaw(
            RecordBatchBuilder.create(CompressionType.NONE)
                .append(0, new byte[] {9, 9, 9, 9}, new byte[] {1}, List.of())
                .build());
    reopen();
    CoordinatorException e = failure(kv.read(0, snapshot()));
    assertThat(e.reason()).isEqualTo(Reason.LOAD_FAILED);
    assertThat(e).hasMessageContaining("offset 1").hasMessageContaining("key format is 9");
    assertThat(failure(kv.write(0, put("b", "1"))).reason()).isEqualTo(Reason.LOAD_FAILED);
    assertThat(done(kv.read(1, snapshot()))).containsExactly(Map.entry("a", "1"));
  }

  @Test
  void anUnreadableLogFailsTheLoad() {
    open(1);
    done(kv.write(0, put("a", "1")));
    reopen();
    logs.get(0).failReads(new IOException("Input/output error"));
    CoordinatorException e = failure(kv.loadAll());
    assertThat(e.reason()).isEqualTo(Reason.LOAD_FAILED);
    assertThat(e).hasMessageContaining("Input/output error");
  }

  @Test
  void aPartitionThatCannotBeOpenedFailsWhatWaitsAndIsTriedAgainLater() {
    open(1);
    logs.get(0).failOpen(new IllegalStateException("damaged segment"));
    CoordinatorException e = failure(kv.write(0, put("a", "1")));
    assertThat(e.reason()).isEqualTo(Reason.LOAD_FAILED);
    assertThat(e).hasMessageContaining("damaged segment");
    logs.get(0).failOpen(null);
    assertThat(done(kv.write(0, put("a", "1")))).isNull();
  }

  @Test
  void timersRunWritesOnTheManualClock() {
    open(1);
    kv.schedule(0, "session-a", 1_000, put("expired", "a"));
    scheduler.advance(999);
    assertThat(done(kv.read(0, snapshot()))).isEmpty();
    scheduler.advance(1);
    assertThat(done(kv.read(0, snapshot()))).containsExactly(Map.entry("expired", "a"));

    kv.schedule(0, "session-b", 1_000, put("expired", "b1"));
    scheduler.advance(500);
    kv.schedule(0, "session-b", 1_000, put("expired", "b2"));
    scheduler.advance(999);
    assertThat(done(kv.read(0, snapshot()))).containsEntry("expired", "a");
    scheduler.advance(1);
    assertThat(done(kv.read(0, snapshot())))
        .as("the rescheduled timer replaced the first")
        .containsEntry("expired", "b2");

    kv.schedule(0, "session-c", 1_000, put("expired", "c"));
    kv.cancel(0, "session-c");
    scheduler.advance(5_000);
    assertThat(done(kv.read(0, snapshot()))).containsEntry("expired", "b2");
    assertThat(scheduler.pendingTimers()).isZero();
    assertThat(kv.nowMs(0)).isEqualTo(scheduler.nowMs());
  }

  @Test
  void aTimerScheduledByAHandlerFiresOnItsShard() {
    open(1);
    done(
        kv.write(
            0,
            s -> {
              kv.schedule(0, "t", 100, put("timer", "fired"));
              return CoordinatorResult.of(List.of(record("member", "joined")), null);
            }));
    scheduler.advance(100);
    assertThat(done(kv.read(0, snapshot())))
        .containsExactly(Map.entry("member", "joined"), Map.entry("timer", "fired"));
  }

  @Test
  void afterCloseOperationsFail() {
    open(1);
    logs.get(0).hold(true);
    CompletableFuture<String> inFlight = kv.write(0, put("a", "1"));
    CompletableFuture<String> waiting = kv.write(0, put("b", "1"));
    CompletableFuture<Void> closing = runtime.shard(0).close();
    assertThat(failure(waiting).reason()).isEqualTo(Reason.CLOSED);
    assertThat(closing).as("waits for the batch in flight").isNotDone();
    logs.get(0).release();
    assertThat(done(inFlight)).isNull();
    assertThat(closing).isDone();
    assertThat(failure(kv.write(0, put("c", "1"))).reason()).isEqualTo(Reason.CLOSED);
  }

  @Test
  void shardOfIsKafkasPlacementOfAGroup() {
    open(8);
    // Kafka: Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions.
    assertThat(runtime.shardOf("my-group")).isEqualTo(Math.abs("my-group".hashCode()) % 8);
    assertThat(runtime.shardOf("polygenelubricants")).isZero(); // hashCode is Integer.MIN_VALUE
    Map<Integer, Integer> spread = new TreeMap<>();
    for (int i = 0; i < 8_000; i++) {
      spread.merge(runtime.shardOf("group-" + i), 1, Integer::sum);
    }
    assertThat(spread).hasSize(8);
    assertThat(spread.values()).allMatch(n -> n > 700 && n < 1300);
  }

  @Test
  void theAppendFutureFollowsTheOutcomeBeforeTheCallerHearsOfIt() {
    open(1);
    MemoryCoordinatorLog log = logs.get(0);
    List<String> order = new ArrayList<>();
    CompletableFuture<Void> committed = new CompletableFuture<>();
    committed.whenComplete((ok, e) -> order.add(e == null ? "committed" : "failed"));
    CompletableFuture<String> first =
        kv.write(0, s -> new CoordinatorResult<>(List.of(record("a", "1")), "first", committed));
    first.whenComplete((ok, e) -> order.add("caller"));
    assertThat(done(first)).isEqualTo("first");
    assertThat(order).containsExactly("committed", "caller");

    order.clear();
    log.failNextAppend(new LogStorageException("I/O error", new IOException("I/O error")), false);
    CompletableFuture<Void> refused = new CompletableFuture<>();
    refused.whenComplete((ok, e) -> order.add(e == null ? "committed" : "failed"));
    CompletableFuture<String> second =
        kv.write(0, s -> new CoordinatorResult<>(List.of(record("a", "2")), "second", refused));
    second.whenComplete((ok, e) -> order.add("caller"));
    assertThat(failure(second).reason()).isEqualTo(Reason.STORAGE);
    assertThat(order).containsExactly("failed", "caller");
    assertThat(done(kv.read(0, snapshot()))).containsEntry("a", "1");
  }
}
