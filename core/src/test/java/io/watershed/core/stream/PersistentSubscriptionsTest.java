package io.watershed.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.core.subscription.CursorStore;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistentSubscriptionsTest {
  @TempDir Path dir;
  TopicStore topics;
  IndexedEventStore store;
  PersistentSubscriptions subs;

  @BeforeEach
  void open() throws Exception {
    topics = TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
    store = IndexedEventStore.open(topics, dir.resolve("index"), EventStoreLimits.DEFAULT);
    subs = PersistentSubscriptions.open(store);
  }

  @AfterEach
  void close() throws Exception {
    subs.close();
    store.close();
    topics.close();
  }

  /** A consumer that records what it is given. */
  static final class Recorder implements PersistentSubscriptions.Consumer {
    final LinkedBlockingQueue<ResolvedEvent> events = new LinkedBlockingQueue<>();
    final Map<UUID, Integer> retries = new ConcurrentHashMap<>();
    volatile String dropped;

    @Override
    public void deliver(ResolvedEvent event, int retryCount) {
      retries.put(event.original().id(), retryCount);
      events.add(event);
    }

    @Override
    public void dropped(String reason) {
      dropped = reason;
    }

    ResolvedEvent next() throws InterruptedException {
      ResolvedEvent e = events.poll(10, TimeUnit.SECONDS);
      assertThat(e).as("an event within 10 s").isNotNull();
      return e;
    }
  }

  void write(String stream, int n) {
    for (int i = 0; i < n; i++) {
      store
          .append(
              stream,
              ExpectedRevision.ANY,
              List.of(
                  new ProposedEvent(
                      UUID.randomUUID(),
                      "T",
                      "application/json",
                      ("e" + i).getBytes(StandardCharsets.UTF_8),
                      new byte[0])))
          .join();
    }
  }

  static PersistentSubscriptionSettings settings(int maxRetries, int timeoutMs) {
    PersistentSubscriptionSettings d = PersistentSubscriptionSettings.DEFAULT;
    return new PersistentSubscriptionSettings(
        false,
        0,
        timeoutMs,
        maxRetries,
        d.liveBufferSize(),
        d.readBatchSize(),
        d.historyBufferSize(),
        100,
        1,
        10,
        0,
        PersistentSubscriptionSettings.ConsumerStrategy.ROUND_ROBIN,
        null);
  }

  @Test
  void threeConsumersShareTheEventsAndEachAckedEventIsDeliveredOnce() throws Exception {
    write("order-1", 60);
    subs.create("order-1", "g", settings(3, 30_000)).join();
    List<Recorder> rs = List.of(new Recorder(), new Recorder(), new Recorder());
    List<PersistentSubscriptions.Connection> cs = new ArrayList<>();
    for (Recorder r : rs) {
      cs.add(subs.connect("order-1", "g", "c", "test", 10, r).join());
    }
    Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    write("order-1", 30); // live events too
    int total = 0;
    while (total < 90) {
      for (int i = 0; i < 3; i++) {
        ResolvedEvent e = rs.get(i).events.poll(20, TimeUnit.MILLISECONDS);
        if (e != null) {
          seen.computeIfAbsent(
                  new String(e.event().data(), StandardCharsets.UTF_8) + "@" + e.event().revision(),
                  k -> new AtomicInteger())
              .incrementAndGet();
          cs.get(i).ack(List.of(e.event().id()));
          total++;
        }
      }
    }
    assertThat(seen).hasSize(90).allSatisfy((k, v) -> assertThat(v.get()).isEqualTo(1));
    for (Recorder r : rs) {
      assertThat(r.events.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
    PersistentSubscriptionInfo info = subs.info("order-1", "g").join();
    assertThat(info.connections()).hasSize(3);
    assertThat(info.inFlightCount()).isZero();
    assertThat(info.lastKnownPosition()).isEqualTo(89);
  }

  @Test
  void nackedEventsAreRetriedThenParkedAndParkedEventsReplay() throws Exception {
    write("s-1", 3);
    subs.create("s-1", "g", settings(2, 30_000)).join();
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c = subs.connect("s-1", "g", "c", "t", 10, r).join();
    UUID target = null;
    for (int i = 0; i < 3; i++) {
      ResolvedEvent e = r.next();
      if (e.event().revision() == 1) {
        target = e.event().id();
        c.nack(List.of(target), PersistentSubscriptions.NackAction.RETRY, "not yet");
      } else {
        c.ack(List.of(e.event().id()));
      }
    }
    // Retried twice, then parked on the third refusal.
    for (int attempt = 1; attempt <= 2; attempt++) {
      ResolvedEvent again = r.next();
      assertThat(again.event().id()).isEqualTo(target);
      assertThat(r.retries.get(target)).isEqualTo(attempt);
      c.nack(List.of(target), PersistentSubscriptions.NackAction.RETRY, "still not");
    }
    assertThat(r.events.poll(300, TimeUnit.MILLISECONDS)).isNull();
    awaitParked(1);

    subs.replayParked("s-1", "g", -1).join();
    ResolvedEvent replayed = r.next();
    assertThat(replayed.event().id()).isEqualTo(target);
    assertThat(r.retries.get(target)).isZero();
    c.ack(List.of(target));
    awaitParked(0);
  }

  private void awaitParked(long n) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (subs.info("s-1", "g").join().parkedCount() != n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(subs.info("s-1", "g").join().parkedCount()).isEqualTo(n);
  }

  @Test
  void unacknowledgedEventsTimeOutAndGoToAnotherConsumer() throws Exception {
    write("s-2", 1);
    subs.create("s-2", "g", settings(5, 300)).join();
    Recorder silent = new Recorder();
    subs.connect("s-2", "g", "silent", "t", 10, silent).join();
    ResolvedEvent first = silent.next();
    Recorder other = new Recorder();
    PersistentSubscriptions.Connection oc =
        subs.connect("s-2", "g", "other", "t", 10, other).join();
    ResolvedEvent e = silent.events.poll(2, TimeUnit.SECONDS);
    if (e == null) {
      e = other.next();
    }
    assertThat(e.event().id()).isEqualTo(first.event().id());
    oc.ack(List.of(e.event().id()));
  }

  @Test
  void theGroupResumesFromItsCheckpointAfterARestart() throws Exception {
    write("s-3", 10);
    subs.create("s-3", "g", settings(3, 30_000)).join();
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c = subs.connect("s-3", "g", "c", "t", 20, r).join();
    for (int i = 0; i < 10; i++) {
      ResolvedEvent e = r.next();
      if (e.event().revision() < 6) {
        c.ack(List.of(e.event().id()));
      }
    }
    Thread.sleep(300); // acks reach the group
    close();
    open();
    Recorder after = new Recorder();
    subs.connect("s-3", "g", "c", "t", 20, after).join();
    List<Long> revisions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      revisions.add(after.next().event().revision());
    }
    assertThat(revisions).containsExactly(6L, 7L, 8L, 9L);
    assertThat(after.events.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void managementErrorsAreTheSubscriptionErrors() {
    subs.create("s-4", "g", PersistentSubscriptionSettings.DEFAULT).join();
    assertThatThrownBy(() -> subs.create("s-4", "g", PersistentSubscriptionSettings.DEFAULT).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(PersistentSubscriptionException.class);
    assertThatThrownBy(() -> subs.info("s-4", "nope").join())
        .hasCauseInstanceOf(PersistentSubscriptionException.class);
    assertThatThrownBy(
            () -> subs.create("bad\0stream", "g", PersistentSubscriptionSettings.DEFAULT).join())
        .hasCauseInstanceOf(InvalidEventException.class)
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> subs.create("", "g", PersistentSubscriptionSettings.DEFAULT).join())
        .hasCauseInstanceOf(InvalidEventException.class);
    // The group's name is part of its parked and checkpoint streams' names.
    assertThatThrownBy(
            () -> subs.create("s-4", "bad\0group", PersistentSubscriptionSettings.DEFAULT).join())
        .hasCauseInstanceOf(InvalidEventException.class);
    assertThatThrownBy(() -> subs.create("s-4", "", PersistentSubscriptionSettings.DEFAULT).join())
        .hasCauseInstanceOf(InvalidEventException.class);
    String tooLong = "g".repeat(EventStoreLimits.DEFAULT.maxStreamNameBytes());
    assertThatThrownBy(
            () -> subs.create("s-4", tooLong, PersistentSubscriptionSettings.DEFAULT).join())
        .hasCauseInstanceOf(InvalidEventException.class);
    assertThat(subs.list(null).join()).hasSize(1);
    subs.delete("s-4", "g").join();
    assertThat(subs.list(null).join()).isEmpty();
  }

  @Test
  void allGroupsWithAFilterDeliverOnlyMatchingEvents() throws Exception {
    write("order-9", 3);
    write("user-9", 3);
    PersistentSubscriptionSettings d = settings(3, 30_000);
    PersistentSubscriptionSettings filtered =
        new PersistentSubscriptionSettings(
            d.resolveLinks(),
            0,
            d.messageTimeoutMs(),
            d.maxRetryCount(),
            d.liveBufferSize(),
            d.readBatchSize(),
            d.historyBufferSize(),
            d.checkpointAfterMs(),
            d.minCheckpointCount(),
            d.maxCheckpointCount(),
            0,
            d.consumerStrategy(),
            new EventFilter(true, List.of("user-"), null));
    subs.create(PersistentSubscriptions.ALL, "g", filtered).join();
    Recorder r = new Recorder();
    subs.connect(PersistentSubscriptions.ALL, "g", "c", "t", 10, r).join();
    for (int i = 0; i < 3; i++) {
      assertThat(r.next().event().stream()).isEqualTo("user-9");
    }
    assertThat(r.events.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aStoredGroupThatCannotStartDoesNotKeepTheOthersFromLoading() throws Exception {
    subs.create("s-5", "good", PersistentSubscriptionSettings.DEFAULT).join();
    subs.close();
    // As an older version could store it: a group whose parked stream no stream can be.
    CursorStore cursors = PersistentSubscriptions.streamCursorStore(store);
    assertThat(cursors.loadDefinitions().join()).hasSize(1);
    cursors
        .saveDefinition(
            PersistentSubscriptionsCursorStore.id("s-5", "bad\0group"),
            PersistentSubscriptionsJson.encode(
                new PersistentSubscriptionsJson.Definition(
                    "s-5", "bad\0group", PersistentSubscriptionSettings.DEFAULT)))
        .join();
    subs = PersistentSubscriptions.open(store);
    assertThat(subs.list(null).join())
        .extracting(PersistentSubscriptionInfo::group)
        .containsExactly("good");
  }
}
