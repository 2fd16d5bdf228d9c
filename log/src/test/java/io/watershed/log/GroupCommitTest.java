package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.Record;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durable appends under {@code log.flush=durable}: every acknowledged append is fsynced, and
 * concurrent writers share fsyncs (group commit), counted by {@link LogStats#fsyncs()}.
 */
class GroupCommitTest {
  private static final int THREADS = 64;

  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
  LogManager manager;

  @AfterEach
  void close() throws Exception {
    if (manager != null) {
      manager.close();
    }
  }

  private PartitionLog open() throws Exception {
    manager =
        LogManager.open(
            LogManagerConfig.defaults(dir)
                .withFlushPolicy(FlushPolicy.DURABLE)
                .withClock(clock::get)
                .withIntervals(3_600_000, 3_600_000, 3_600_000));
    return manager.partition("t-0", LogConfig.DEFAULTS);
  }

  /** One thread's acknowledged append. */
  private record Ack(String value, AppendResult result, long durableAtAck) {}

  @Test
  void sixtyFourConcurrentDurableWritersGetUniqueContiguousDurableOffsetsAndShareFsyncs()
      throws Exception {
    PartitionLog log = open();
    int perThread = 40;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    List<Future<List<Ack>>> futures = new ArrayList<>();
    long started;
    try {
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(
            threads.submit(
                () -> {
                  start.await();
                  List<Ack> acks = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    String value = "t" + thread + "-" + i;
                    AppendResult r =
                        log.append(TestBatches.values(clock.get(), value), AppendOptions.DURABLE)
                            .get(30, TimeUnit.SECONDS);
                    acks.add(new Ack(value, r, log.durableOffset()));
                  }
                  return acks;
                }));
      }
      started = System.nanoTime();
      start.countDown();
    } finally {
      threads.shutdown();
    }
    List<Ack> all = new ArrayList<>();
    for (Future<List<Ack>> f : futures) {
      List<Ack> acks = f.get(60, TimeUnit.SECONDS);
      // One writer's appends land in the order it made them.
      assertThat(acks).extracting(a -> a.result().firstOffset()).isSorted();
      all.addAll(acks);
    }
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    int appends = THREADS * perThread;
    assertThat(all).hasSize(appends);

    // Offsets are unique and contiguous from 0, and every ack came only once durable.
    assertThat(all)
        .extracting(a -> a.result().firstOffset())
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(LongStream.range(0, appends).boxed().toList());
    for (Ack a : all) {
      assertThat(a.result().lastOffset()).isEqualTo(a.result().firstOffset());
      assertThat(a.durableAtAck()).isGreaterThan(a.result().lastOffset());
    }
    assertThat(log.logEndOffset()).isEqualTo(appends);
    assertThat(log.durableOffset()).isEqualTo(appends);

    // Everything reads back, each value at the offset its writer was told.
    Map<Long, String> expected = new HashMap<>();
    for (Ack a : all) {
      expected.put(a.result().firstOffset(), a.value());
    }
    List<Record> read = TestBatches.readAll(log, 0);
    assertThat(read).hasSize(appends);
    for (Record r : read) {
      assertThat(TestBatches.string(r.value())).isEqualTo(expected.get(r.offset()));
    }

    // Group commit: one fsync per append would be `appends` fsyncs; writers waiting together
    // share one. With 64 writers blocked on their acks, each fsync covers many appends.
    long fsyncs = manager.stats().fsyncs();
    System.out.printf(
        "GroupCommitTest: %d durable appends from %d threads in %d ms with %d fsyncs"
            + " (%.1f appends per fsync), %d writes%n",
        appends,
        THREADS,
        elapsedMs,
        fsyncs,
        (double) appends / Math.max(1, fsyncs),
        manager.stats().writes());
    assertThat(fsyncs).isPositive().isLessThanOrEqualTo(appends / 4);
  }

  @Test
  void appendsQueuedWhileTheWriterIsBusyAreWrittenTogetherAndShareOneFsync() throws Exception {
    PartitionLog log = open();
    // Hold the partition's writer inside its first append (listeners run on the writer thread),
    // so that the next 64 durable appends are all queued when it resumes.
    CountDownLatch writerHeld = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    log.addListener(
        (l, end) -> {
          if (first.compareAndSet(true, false)) {
            writerHeld.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    CompletableFuture<AppendResult> head =
        log.append(TestBatches.values(clock.get(), "head"), AppendOptions.DURABLE);
    assertThat(writerHeld.await(10, TimeUnit.SECONDS)).isTrue();

    long fsyncsBefore = manager.stats().fsyncs();
    long writesBefore = manager.stats().writes();
    List<CompletableFuture<AppendResult>> queued = new ArrayList<>();
    CountDownLatch submitted = new CountDownLatch(THREADS);
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> submits = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        submits.add(
            threads.submit(
                () -> {
                  CompletableFuture<AppendResult> f =
                      log.append(
                          TestBatches.values(clock.get(), "queued-" + thread),
                          AppendOptions.DURABLE);
                  synchronized (queued) {
                    queued.add(f);
                  }
                  submitted.countDown();
                }));
      }
      assertThat(submitted.await(10, TimeUnit.SECONDS)).isTrue();
      for (Future<?> s : submits) {
        s.get();
      }
    } finally {
      threads.shutdown();
    }
    assertThat(queued).noneMatch(CompletableFuture::isDone);
    release.countDown();

    assertThat(head.get(10, TimeUnit.SECONDS).firstOffset()).isZero();
    List<Long> offsets = new ArrayList<>();
    for (CompletableFuture<AppendResult> f : queued) {
      offsets.add(f.get(10, TimeUnit.SECONDS).firstOffset());
    }
    assertThat(offsets)
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, THREADS).boxed().toList());
    assertThat(log.durableOffset()).isEqualTo(THREADS + 1);

    // The 64 queued appends went out in one gathering write after the held one, and at most
    // three fsyncs made all 65 durable (one may have started for "head" alone, one covers the
    // 64, and a pass racing the write may add one more) instead of 65.
    long writes = manager.stats().writes() - writesBefore;
    long fsyncs = manager.stats().fsyncs() - fsyncsBefore;
    System.out.printf(
        "GroupCommitTest: 65 durable appends (64 queued) took %d write(s) and %d fsync(s)%n",
        writes, fsyncs);
    assertThat(writes).isEqualTo(1);
    assertThat(fsyncs).isBetween(1L, 3L);
  }
}
