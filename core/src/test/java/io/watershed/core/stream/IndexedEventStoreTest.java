package io.watershed.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexedEventStoreTest {
  @TempDir Path dir;
  TopicStore topics;
  IndexedEventStore store;

  @BeforeEach
  void open() throws Exception {
    topics = TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
    store = IndexedEventStore.open(topics, dir.resolve("index"), EventStoreLimits.DEFAULT);
  }

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
    if (topics != null) {
      topics.close();
    }
  }

  private void reopen() throws Exception {
    close();
    open();
  }

  static ProposedEvent event(String type, String data) {
    return new ProposedEvent(
        UUID.randomUUID(),
        type,
        "application/json",
        data.getBytes(StandardCharsets.UTF_8),
        ("{\"m\":\"" + data + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  AppendOutcome append(String stream, ExpectedRevision expected, ProposedEvent... events) {
    return store.append(stream, expected, List.of(events)).join();
  }

  static Throwable cause(CompletableFuture<?> f) {
    try {
      f.join();
      throw new AssertionError("expected a failure");
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  List<String> data(StreamReadResult r) {
    assertThat(r).isInstanceOf(StreamReadResult.Events.class);
    return ((StreamReadResult.Events) r)
        .events().stream().map(e -> new String(e.event().data(), StandardCharsets.UTF_8)).toList();
  }

  @Test
  void appendsAndReadsForwardsAndBackwardsKeepingEverything() {
    ProposedEvent a = event("Created", "a");
    AppendOutcome first = append("order-1", ExpectedRevision.NO_STREAM, a, event("Paid", "b"));
    assertThat(first.lastRevision()).isEqualTo(1);
    AppendOutcome second = append("order-1", ExpectedRevision.exact(1), event("Shipped", "c"));
    assertThat(second.lastRevision()).isEqualTo(2);
    assertThat(second.position()).isGreaterThan(first.position());

    StreamReadResult fwd = store.readStream("order-1", 0, true, 100, false);
    assertThat(data(fwd)).containsExactly("a", "b", "c");
    RecordedEvent e0 = ((StreamReadResult.Events) fwd).events().get(0).event();
    assertThat(e0.id()).isEqualTo(a.id());
    assertThat(e0.type()).isEqualTo("Created");
    assertThat(e0.contentType()).isEqualTo("application/json");
    assertThat(e0.metadata()).isEqualTo(a.metadata());
    assertThat(e0.revision()).isZero();
    assertThat(e0.stream()).isEqualTo("order-1");

    assertThat(data(store.readStream("order-1", EventStore.END, false, 2, false)))
        .containsExactly("c", "b");
    assertThat(data(store.readStream("order-1", 1, true, 1, false))).containsExactly("b");
    assertThat(data(store.readStream("order-1", 5, true, 10, false))).isEmpty();
    assertThat(store.readStream("nope", 0, true, 10, false))
        .isInstanceOf(StreamReadResult.NotFound.class);
  }

  @Test
  void everyExpectedRevisionCase() {
    assertThat(cause(store.append("s-1", ExpectedRevision.STREAM_EXISTS, List.of(event("T", "x")))))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class,
            w ->
                assertThat(w.actualRevision()).isEqualTo(WrongExpectedRevisionException.NO_STREAM));
    assertThat(cause(store.append("s-1", ExpectedRevision.exact(0), List.of(event("T", "x")))))
        .isInstanceOf(WrongExpectedRevisionException.class);
    append("s-1", ExpectedRevision.ANY, event("T", "0"));
    append("s-1", ExpectedRevision.STREAM_EXISTS, event("T", "1"));
    assertThat(cause(store.append("s-1", ExpectedRevision.NO_STREAM, List.of(event("T", "x")))))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class, w -> assertThat(w.actualRevision()).isEqualTo(1));
    assertThat(cause(store.append("s-1", ExpectedRevision.exact(0), List.of(event("T", "x")))))
        .isInstanceOfSatisfying(
            WrongExpectedRevisionException.class, w -> assertThat(w.actualRevision()).isEqualTo(1));
    append("s-1", ExpectedRevision.exact(1), event("T", "2"));
    assertThat(data(store.readStream("s-1", 0, true, 10, false))).containsExactly("0", "1", "2");
  }

  @Test
  void aRetriedAppendIsNotWrittenTwice() {
    ProposedEvent a = event("T", "a");
    ProposedEvent b = event("T", "b");
    AppendOutcome first = append("s-2", ExpectedRevision.NO_STREAM, a, b);
    AppendOutcome retryExact = append("s-2", ExpectedRevision.NO_STREAM, a, b);
    AppendOutcome retryAny = append("s-2", ExpectedRevision.ANY, a, b);
    assertThat(retryExact).isEqualTo(first);
    assertThat(retryAny).isEqualTo(first);
    assertThat(data(store.readStream("s-2", 0, true, 10, false))).containsExactly("a", "b");
  }

  @Test
  void concurrentAppendersWithTheSameExpectationHaveExactlyOneWinner() throws Exception {
    int racers = 8;
    int races = 50;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      for (int race = 0; race < races; race++) {
        long expected = race - 1L;
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger wins = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        for (int r = 0; r < racers; r++) {
          int racer = r;
          all.add(
              pool.submit(
                  () -> {
                    go.await();
                    ExpectedRevision exp =
                        expected < 0
                            ? ExpectedRevision.NO_STREAM
                            : ExpectedRevision.exact(expected);
                    try {
                      store.append("race-1", exp, List.of(event("T", race(racer)))).join();
                      wins.incrementAndGet();
                    } catch (CompletionException e) {
                      assertThat(e.getCause()).isInstanceOf(WrongExpectedRevisionException.class);
                    }
                    return null;
                  }));
        }
        go.countDown();
        for (Future<?> f : all) {
          f.get();
        }
        assertThat(wins.get()).as("winners of race %d", race).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.lastRevision("race-1")).isEqualTo(races - 1);
  }

  private static String race(int racer) {
    return "racer-" + racer;
  }

  @Test
  void softDeleteHidesAndLaterAppendsContinueTheRevisions() {
    append("s-3", ExpectedRevision.ANY, event("T", "a"), event("T", "b"));
    store.delete("s-3", ExpectedRevision.exact(1)).join();
    assertThat(store.readStream("s-3", 0, true, 10, false))
        .isInstanceOf(StreamReadResult.NotFound.class);
    AppendOutcome after = append("s-3", ExpectedRevision.NO_STREAM, event("T", "c"));
    assertThat(after.lastRevision()).isEqualTo(2);
    assertThat(data(store.readStream("s-3", 0, true, 10, false))).containsExactly("c");
    assertThat(store.readAll(0, true, 1000).stream().map(e -> e.event().stream()))
        .filteredOn("s-3"::equals)
        .hasSize(1);
  }

  @Test
  void aTombstonedStreamCanNeverBeReadOrWrittenAgain() throws Exception {
    append("s-4", ExpectedRevision.ANY, event("T", "a"));
    store.tombstone("s-4", ExpectedRevision.ANY).join();
    assertThatThrownBy(() -> store.readStream("s-4", 0, true, 10, false))
        .isInstanceOf(StreamDeletedException.class);
    assertThat(cause(store.append("s-4", ExpectedRevision.ANY, List.of(event("T", "b")))))
        .isInstanceOf(StreamDeletedException.class);
    reopen();
    assertThatThrownBy(() -> store.readStream("s-4", 0, true, 10, false))
        .isInstanceOf(StreamDeletedException.class);
  }

  @Test
  void metadataMaxCountAndTruncateBeforeAreHonoured() {
    for (int i = 0; i < 5; i++) {
      append("s-5", ExpectedRevision.ANY, event("T", "e" + i));
    }
    append(
        "$$s-5",
        ExpectedRevision.ANY,
        new ProposedEvent(
            UUID.randomUUID(),
            "$metadata",
            "application/json",
            "{\"$maxCount\":3}".getBytes(StandardCharsets.UTF_8),
            new byte[0]));
    assertThat(data(store.readStream("s-5", 0, true, 10, false))).containsExactly("e2", "e3", "e4");
    append(
        "$$s-5",
        ExpectedRevision.ANY,
        new ProposedEvent(
            UUID.randomUUID(),
            "$metadata",
            "application/json",
            "{\"$tb\":4}".getBytes(StandardCharsets.UTF_8),
            new byte[0]));
    assertThat(data(store.readStream("s-5", 0, true, 10, false))).containsExactly("e4");
    assertThat(data(store.readStream("s-5", EventStore.END, false, 10, false)))
        .containsExactly("e4");
  }

  @Test
  void allIsTheGlobalOrderForwardsAndBackwards() {
    List<String> written = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String d = "e" + i;
      append("s-" + (i % 7), ExpectedRevision.ANY, event("T", d));
      written.add(d);
    }
    List<String> forwards =
        store.readAll(0, true, 10_000).stream()
            .map(e -> new String(e.event().data(), StandardCharsets.UTF_8))
            .toList();
    assertThat(forwards).containsExactlyElementsOf(written);
    List<ResolvedEvent> backwards = store.readAll(EventStore.END, false, 10_000);
    assertThat(backwards.stream().map(e -> new String(e.event().data(), StandardCharsets.UTF_8)))
        .containsExactlyElementsOf(written.reversed());
    long middle = backwards.get(150).position();
    assertThat(store.readAll(middle, true, 5).get(0).position()).isEqualTo(middle);
    assertThat(store.readAll(middle, false, 5).get(0).position()).isLessThan(middle);
  }

  @Test
  void projectionsLinkEveryEventByCategoryAndTypeAndEveryStreamOnce() {
    append("order-1", ExpectedRevision.ANY, event("Created", "o1a"), event("Paid", "o1b"));
    append("order-2", ExpectedRevision.ANY, event("Created", "o2a"));
    append("user-1", ExpectedRevision.ANY, event("Created", "u1a"));

    StreamReadResult ce = store.readStream("$ce-order", 0, true, 10, false);
    List<ResolvedEvent> links = ((StreamReadResult.Events) ce).events();
    assertThat(links)
        .extracting(e -> new String(e.event().data(), StandardCharsets.UTF_8))
        .containsExactly("0@order-1", "1@order-1", "0@order-2");
    assertThat(links).allSatisfy(e -> assertThat(e.event().type()).isEqualTo("$>"));
    assertThat(data(store.readStream("$ce-order", 0, true, 10, true)))
        .containsExactly("o1a", "o1b", "o2a");
    assertThat(data(store.readStream("$et-Created", 0, true, 10, true)))
        .containsExactly("o1a", "o2a", "u1a");
    assertThat(data(store.readStream("$streams", 0, true, 10, true)))
        .containsExactly("o1a", "o2a", "u1a");
    assertThat(data(store.readStream("$category-order", 0, true, 10, true)))
        .containsExactly("o1a", "o2a");
    assertThat(cause(store.append("$ce-order", ExpectedRevision.ANY, List.of(event("T", "x")))))
        .isInstanceOf(InvalidEventException.class);
  }

  @Test
  void theIndexIsRebuiltFromTheLogWhenLost() throws Exception {
    for (int i = 0; i < 50; i++) {
      append("order-" + (i % 5), ExpectedRevision.ANY, event("T", "e" + i));
    }
    store.close();
    store = null;
    try (Stream<Path> s = Files.walk(dir.resolve("index"))) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    topics.close();
    topics = null;
    open();
    assertThat(store.lastRevision("order-3")).isEqualTo(9);
    assertThat(data(store.readStream("order-3", 0, true, 100, false))).hasSize(10);
    assertThat(
            ((StreamReadResult.Events) store.readStream("$ce-order", 0, true, 100, false)).events())
        .hasSize(50);
    AppendOutcome next = append("order-3", ExpectedRevision.exact(9), event("T", "more"));
    assertThat(next.lastRevision()).isEqualTo(10);
  }

  @Test
  void badInputIsRefusedWithTheRightError() {
    assertThat(cause(store.append("", ExpectedRevision.ANY, List.of(event("T", "x")))))
        .isInstanceOf(InvalidEventException.class);
    assertThat(cause(store.append("a\0b", ExpectedRevision.ANY, List.of(event("T", "x")))))
        .isInstanceOf(InvalidEventException.class);
    assertThat(
            cause(store.append("x".repeat(2000), ExpectedRevision.ANY, List.of(event("T", "x")))))
        .isInstanceOf(InvalidEventException.class);
    assertThat(cause(store.append("s", ExpectedRevision.ANY, List.of(event("", "x")))))
        .isInstanceOf(InvalidEventException.class);
    ProposedEvent huge =
        new ProposedEvent(
            UUID.randomUUID(), "T", "application/octet-stream", new byte[2 << 20], new byte[0]);
    assertThat(cause(store.append("s", ExpectedRevision.ANY, List.of(huge))))
        .isInstanceOf(AppendTooLargeException.class);
    assertThat(store.readStream("s", 0, true, 10, false))
        .isInstanceOf(StreamReadResult.NotFound.class);
  }

  @Test
  void listenersHearOfEveryAppend() {
    AtomicInteger calls = new AtomicInteger();
    List<String> streams = new java.util.concurrent.CopyOnWriteArrayList<>();
    store.addListener(
        touched -> {
          calls.incrementAndGet();
          streams.addAll(touched);
        });
    long before = store.endPosition();
    append("s-6", ExpectedRevision.ANY, event("T", "a"), event("T", "b"));
    assertThat(store.endPosition()).isEqualTo(before + 2);
    assertThat(calls.get()).isGreaterThanOrEqualTo(1);
    assertThat(streams).contains("s-6", "$et-T");
  }

  @Test
  void scavengeReclaimsWhatNoReadReturnsAndKeepsTheNumbering() throws Exception {
    for (int i = 0; i < 10; i++) {
      append("keep-1", ExpectedRevision.ANY, event("T", "k" + i));
      append("gone-1", ExpectedRevision.ANY, event("T", "g" + i));
    }
    append(
        "$$keep-1",
        ExpectedRevision.ANY,
        new ProposedEvent(
            UUID.randomUUID(),
            "$metadata",
            "application/json",
            "{\"$tb\":8}".getBytes(StandardCharsets.UTF_8),
            new byte[0]));
    store.tombstone("gone-1", ExpectedRevision.ANY).join();
    topics.partition(IndexedEventStore.ALL_TOPIC, 0).orElseThrow().roll();
    append("later-1", ExpectedRevision.ANY, event("T", "l"));

    assertThat(store.scavenge()).isPositive();
    assertThat(data(store.readStream("keep-1", 0, true, 100, false))).containsExactly("k8", "k9");
    assertThat(store.readAll(0, true, 1000))
        .extracting(e -> e.event().stream())
        .doesNotContain("gone-1")
        .contains("keep-1", "later-1");

    // The numbering survives an index rebuild from what is left of the log.
    store.close();
    store = null;
    try (Stream<Path> s = Files.walk(dir.resolve("index"))) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    topics.close();
    topics = null;
    open();
    assertThat(store.lastRevision("keep-1")).isEqualTo(9);
    assertThatThrownBy(() -> store.readStream("gone-1", 0, true, 10, false))
        .isInstanceOf(StreamDeletedException.class);
    assertThat(append("keep-1", ExpectedRevision.exact(9), event("T", "k10")).lastRevision())
        .isEqualTo(10);
  }

  @Test
  void damageInAllStopsIndexingAndAppendsUntilSkippedThenEverythingIsIndexedAgain()
      throws Exception {
    for (int i = 0; i < 40; i++) {
      append("acct-" + i, ExpectedRevision.NO_STREAM, event("Opened", "e" + i));
    }
    close();
    // Media damage in the middle of $all, and the index lost: it is rebuilt from the log.
    Path partition = dir.resolve("data").resolve("log").resolve("partitions");
    Path segment;
    try (var files = java.nio.file.Files.walk(partition)) {
      segment =
          files
              .filter(f -> f.toString().contains(IndexedEventStore.ALL_TOPIC))
              .filter(f -> f.toString().endsWith(".log"))
              .findFirst()
              .orElseThrow();
    }
    byte[] bytes = java.nio.file.Files.readAllBytes(segment);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
    int at = 0;
    for (int batch = 0; batch < 20; batch++) {
      at += b.getInt(at + 8) + 12;
    }
    int lastByteOfBatch20 = at + b.getInt(at + 8) + 12 - 1;
    bytes[lastByteOfBatch20] ^= 0x40; // inside the CRC-covered records
    java.nio.file.Files.write(segment, bytes);
    try (var files = java.nio.file.Files.walk(dir.resolve("index"))) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(f);
      }
    }

    open(); // the store opens: what lies before the damage is indexed and readable
    assertThat(data(store.readStream("acct-0", 0, true, 10, false))).containsExactly("e0");
    Throwable refused =
        cause(store.append("acct-0", ExpectedRevision.ANY, List.of(event("X", "x"))));
    assertThat(refused).isInstanceOf(EventStoreException.class).hasMessageContaining("damaged");

    // The operator skips the damage: the store indexes on past the gap and takes appends again.
    String name = topics.partition(IndexedEventStore.ALL_TOPIC, 0).orElseThrow().name();
    assertThat(topics.logs().skipDamage(name)).hasSize(1);
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    AppendOutcome after = null;
    while (after == null && System.nanoTime() < deadline) {
      try {
        after = append("acct-0", ExpectedRevision.exact(0), event("Closed", "closed"));
      } catch (CompletionException | EventStoreException e) {
        Thread.sleep(100);
      }
    }
    assertThat(after).isNotNull();
    assertThat(after.lastRevision()).isEqualTo(1);
    assertThat(data(store.readStream("acct-39", 0, true, 10, false))).containsExactly("e39");
  }
}
