package io.watershed.it;

import static io.watershed.it.EventStoreClients.event;
import static io.watershed.it.EventStoreClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.CreatePersistentSubscriptionToAllOptions;
import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.kurrent.dbclient.NackAction;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribeToAllOptions;
import io.kurrent.dbclient.SubscribeToStreamOptions;
import io.kurrent.dbclient.Subscription;
import io.kurrent.dbclient.SubscriptionFilter;
import io.kurrent.dbclient.SubscriptionListener;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catch-up and persistent subscriptions with the official KurrentDB client against the server
 * process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStoreSubscriptionsTest {
  WatershedProcess server;
  KurrentDBClient client;
  KurrentDBPersistentSubscriptionsClient persistent;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = new WatershedProcess(dir.resolve("data")).start();
    client = EventStoreClients.client(server.eventStoreConnectionString());
    persistent = EventStoreClients.persistent(server.eventStoreConnectionString());
  }

  @AfterAll
  void stop() throws Exception {
    if (persistent != null) {
      EventStoreClients.close(persistent);
    }
    if (client != null) {
      EventStoreClients.close(client);
    }
    if (server != null) {
      server.close();
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  /** Collects what a catch-up subscription receives. */
  static final class Collector extends SubscriptionListener {
    final List<ResolvedEvent> events = new CopyOnWriteArrayList<>();
    final List<Position> checkpoints = new CopyOnWriteArrayList<>();
    volatile int eventsAtCaughtUp = -1;
    volatile Throwable error;

    @Override
    public void onEvent(Subscription subscription, ResolvedEvent event) {
      events.add(event);
    }

    @Override
    public void onCaughtUp(
        Subscription subscription, Instant timestamp, Long streamRevision, Position position) {
      if (eventsAtCaughtUp < 0) {
        eventsAtCaughtUp = events.size();
      }
    }

    @Override
    public void onCancelled(Subscription subscription, Throwable exception) {
      error = exception;
    }
  }

  @Test
  void catchUpSubscriptionStartedMidwayGetsEveryEventOnceInOrderAcrossTheSwitchToLive()
      throws Exception {
    for (int i = 0; i < 500; i++) {
      client.appendToStream("live-1", event("Tick", "{\"i\":" + i + "}")).get();
    }
    Collector c = new Collector();
    Subscription sub =
        client
            .subscribeToStream("live-1", c, SubscribeToStreamOptions.get().fromRevision(199))
            .get(30, TimeUnit.SECONDS);
    // appends while the subscription catches up, and after it is live
    for (int i = 500; i < 1000; i++) {
      client.appendToStream("live-1", event("Tick", "{\"i\":" + i + "}"));
    }
    await(() -> c.eventsAtCaughtUp >= 0, "caught up");
    for (int i = 1000; i < 1200; i++) {
      client.appendToStream("live-1", event("Tick", "{\"i\":" + i + "}")).get();
    }
    await(() -> c.events.size() >= 1000, "1000 events");
    Thread.sleep(200);
    sub.stop();
    assertThat(c.error).isNull();
    List<Long> revisions = c.events.stream().map(e -> e.getOriginalEvent().getRevision()).toList();
    List<Long> expected = new ArrayList<>();
    for (long r = 200; r < 1200; r++) {
      expected.add(r);
    }
    assertThat(revisions).isEqualTo(expected);
    assertThat(text(c.events.get(0).getOriginalEvent().getEventData())).isEqualTo("{\"i\":200}");
  }

  @Test
  void filteredAllSubscriptionGetsOnlyMatchingEventsOnceInOrderWithCheckpoints() throws Exception {
    for (int i = 0; i < 300; i++) {
      client.appendToStream("flt-a", event("Wanted", "{\"i\":" + i + "}")).get();
      client.appendToStream("noise-b", event("Noise", "{\"i\":" + i + "}")).get();
    }
    // start after the 100th wanted event, by its position
    List<ResolvedEvent> history =
        client.readStream("flt-a", ReadStreamOptions.get()).get().getEvents();
    Position from = history.get(99).getOriginalEvent().getPosition();

    Collector byPrefix = new Collector();
    Collector byType = new Collector();
    AtomicInteger checkpoints = new AtomicInteger();
    SubscriptionFilter prefix =
        SubscriptionFilter.newBuilder()
            .addStreamNamePrefix("flt-")
            .withMaxWindow(10)
            .withCheckpointer(
                (s, p) -> {
                  checkpoints.incrementAndGet();
                  return java.util.concurrent.CompletableFuture.completedFuture(null);
                },
                1)
            .build();
    SubscriptionFilter type =
        SubscriptionFilter.newBuilder().withEventTypeRegularExpression("^Want").build();
    Subscription s1 =
        client
            .subscribeToAll(byPrefix, SubscribeToAllOptions.get().fromPosition(from).filter(prefix))
            .get(30, TimeUnit.SECONDS);
    Subscription s2 =
        client
            .subscribeToAll(byType, SubscribeToAllOptions.get().fromPosition(from).filter(type))
            .get(30, TimeUnit.SECONDS);
    for (int i = 300; i < 400; i++) {
      client.appendToStream("noise-b", event("Noise", "{}"));
      client.appendToStream("flt-a", event("Wanted", "{\"i\":" + i + "}")).get();
    }
    await(
        () -> byPrefix.events.size() >= 300 && byType.events.size() >= 300, "300 filtered events");
    Thread.sleep(200);
    s1.stop();
    s2.stop();
    for (Collector c : List.of(byPrefix, byType)) {
      assertThat(c.error).isNull();
      assertThat(c.events).hasSize(300);
      assertThat(c.events)
          .allSatisfy(e -> assertThat(e.getOriginalEvent().getStreamId()).isEqualTo("flt-a"));
      assertThat(c.events.stream().map(e -> e.getOriginalEvent().getRevision()).toList())
          .isEqualTo(java.util.stream.LongStream.range(100, 400).boxed().toList());
    }
    assertThat(checkpoints.get()).as("checkpoints of the filtered subscription").isPositive();
  }

  @Test
  void persistentSubscriptionSharesEventsAmongThreeConsumersRetriesParksAndReplays()
      throws Exception {
    int events = 300;
    for (int i = 0; i < events; i++) {
      String type = i % 50 == 7 ? "Poison" : "Work";
      client.appendToStream("jobs", event(type, "{\"i\":" + i + "}")).get();
    }
    persistent
        .createToStream(
            "jobs",
            "workers",
            CreatePersistentSubscriptionToStreamOptions.get()
                .fromStart()
                .maxRetryCount(2)
                .messageTimeoutInMs(30_000)
                .checkpointAfterInMs(100)
                .checkpointLowerBound(1))
        .get();

    Map<String, AtomicInteger> acked = new ConcurrentHashMap<>();
    Map<String, List<Integer>> poisonRetries = new ConcurrentHashMap<>();
    Map<Integer, AtomicInteger> perConsumer = new ConcurrentHashMap<>();
    Set<String> replayed = ConcurrentHashMap.newKeySet();
    CountDownLatch bad = new CountDownLatch(1);
    List<PersistentSubscription> subs = new ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean healed =
        new java.util.concurrent.atomic.AtomicBoolean();
    for (int c = 0; c < 3; c++) {
      int consumer = c;
      subs.add(
          persistent
              .subscribeToStream(
                  "jobs",
                  "workers",
                  new PersistentSubscriptionListener() {
                    @Override
                    public void onEvent(PersistentSubscription s, int retryCount, ResolvedEvent e) {
                      String data = text(e.getEvent().getEventData());
                      perConsumer
                          .computeIfAbsent(consumer, k -> new AtomicInteger())
                          .incrementAndGet();
                      if (e.getEvent().getEventType().equals("Poison") && !healed.get()) {
                        poisonRetries
                            .computeIfAbsent(
                                data, k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(retryCount);
                        s.nack(NackAction.Retry, "cannot handle it", e);
                        return;
                      }
                      if (healed.get()) {
                        replayed.add(data);
                      }
                      acked.computeIfAbsent(data, k -> new AtomicInteger()).incrementAndGet();
                      s.ack(e);
                    }

                    @Override
                    public void onCancelled(PersistentSubscription s, Throwable t) {
                      if (t != null) {
                        bad.countDown();
                      }
                    }
                  })
              .get(30, TimeUnit.SECONDS));
    }
    int poison = events / 50;
    await(() -> acked.size() == events - poison, "every good event acked");
    await(
        () -> {
          try {
            return persistent
                .getInfoToStream("jobs", "workers")
                .get()
                .map(i -> i.getStats().getParkedMessageCount() == poison)
                .orElse(false);
          } catch (Exception e) {
            return false;
          }
        },
        "poison events parked");
    assertThat(acked.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    assertThat(perConsumer).as("all three consumers got events").hasSize(3);
    assertThat(poisonRetries).hasSize(poison);
    assertThat(poisonRetries.values()).allSatisfy(r -> assertThat(r).containsExactly(0, 1, 2));

    PersistentSubscriptionToStreamInfo info =
        persistent.getInfoToStream("jobs", "workers").get().orElseThrow();
    assertThat(info.getConnections()).hasSize(3);
    assertThat(info.getSettings().getMaxRetryCount()).isEqualTo(2);
    assertThat(persistent.listToStream("jobs").get())
        .extracting(i -> i.getGroupName())
        .containsExactly("workers");
    List<ResolvedEvent> parked =
        client
            .readStream(
                "$persistentsubscription-jobs::workers-parked",
                ReadStreamOptions.get().resolveLinkTos())
            .get()
            .getEvents();
    assertThat(parked)
        .hasSize(poison)
        .allSatisfy(e -> assertThat(e.getEvent().getEventType()).isEqualTo("Poison"));

    healed.set(true);
    persistent.replayParkedMessagesToStream("jobs", "workers").get();
    await(() -> replayed.size() == poison, "parked events replayed and acked");
    assertThat(acked).hasSize(events);
    await(
        () -> {
          try {
            return persistent
                    .getInfoToStream("jobs", "workers")
                    .get()
                    .orElseThrow()
                    .getStats()
                    .getParkedMessageCount()
                == 0;
          } catch (Exception e) {
            return false;
          }
        },
        "parked count back to 0");
    for (PersistentSubscription s : subs) {
      s.stop();
    }
    assertThat(bad.getCount()).as("no subscription dropped with an error").isEqualTo(1);
    persistent.deleteToStream("jobs", "workers").get();
    assertThat(persistent.listToStream("jobs").get()).isEmpty();
  }

  @Test
  void persistentSubscriptionToAllWithAFilter() throws Exception {
    persistent
        .createToAll(
            "all-readers",
            CreatePersistentSubscriptionToAllOptions.get()
                .fromEnd()
                .filter(SubscriptionFilter.newBuilder().addStreamNamePrefix("psall-").build()))
        .get();
    Map<String, Integer> got = new ConcurrentHashMap<>();
    PersistentSubscription s =
        persistent
            .subscribeToAll(
                "all-readers",
                new PersistentSubscriptionListener() {
                  @Override
                  public void onEvent(PersistentSubscription sub, int retryCount, ResolvedEvent e) {
                    got.merge(
                        e.getEvent().getStreamId() + "/" + e.getEvent().getRevision(),
                        1,
                        Integer::sum);
                    sub.ack(e);
                  }
                })
            .get(30, TimeUnit.SECONDS);
    for (int i = 0; i < 20; i++) {
      client.appendToStream("psall-x", event("E", "{}")).get();
      client.appendToStream("other-x", event("E", "{}")).get();
    }
    await(() -> got.size() == 20, "20 events of psall-x");
    Thread.sleep(300);
    s.stop();
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 0; i < 20; i++) {
      expected.put("psall-x/" + i, 1);
    }
    assertThat(got).isEqualTo(expected);
    assertThat(persistent.getInfoToAll("all-readers").get()).isPresent();
    assertThat(client.readAll(ReadAllOptions.get().fromStart()).get().getEvents()).isNotEmpty();
  }
}
