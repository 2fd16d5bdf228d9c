package io.watershed.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.CreatePersistentSubscriptionToStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.NamedConsumerStrategy;
import io.kurrent.dbclient.PersistentSubscription;
import io.kurrent.dbclient.PersistentSubscriptionListener;
import io.kurrent.dbclient.PersistentSubscriptionToStreamInfo;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.SubscribePersistentSubscriptionOptions;
import io.kurrent.dbclient.UpdatePersistentSubscriptionToStreamOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four consumer strategies of a persistent subscription group, through the official client:
 * round-robin spreads events over the connections, dispatch-to-single gives them to one connection
 * while it has room, pinned keeps each source stream on one connection, pinned-by-correlation keeps
 * each {@code $correlationId} on one connection.
 */
class ConsumerStrategiesTest {
  @TempDir Path dir;
  DoorFixture f;

  @BeforeEach
  void open() throws Exception {
    f = new DoorFixture(dir);
  }

  @AfterEach
  void close() throws Exception {
    f.close();
  }

  /** Appends the events a test's subscribers will get. */
  @FunctionalInterface
  private interface Appends {
    void run() throws Exception;
  }

  /** Per connection of {@code $ce-shop}, the events it was given, as "stream/revision". */
  private Map<Integer, List<String>> consume(
      String group, int connections, int expected, int bufferSize) throws Exception {
    return consume(
        "$ce-shop",
        group,
        connections,
        expected,
        bufferSize,
        e -> e.getEvent().getStreamId() + "/" + e.getEvent().getRevision(),
        () -> {
          for (int i = 0; i < expected; i++) {
            f.client
                .appendToStream(
                    "shop-" + (i % 5),
                    EventData.builderAsJson(
                            "Sold", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8))
                        .build())
                .get();
          }
        });
  }

  /**
   * Connects {@code connections} consumers to the group, then runs {@code appends} (connections
   * first, so that every connection is there to be chosen), acks every event and returns, per
   * connection, the events it was given as {@code label} names them.
   */
  private Map<Integer, List<String>> consume(
      String stream,
      String group,
      int connections,
      int expected,
      int bufferSize,
      Function<ResolvedEvent, String> label,
      Appends appends)
      throws Exception {
    Map<Integer, List<String>> got = new ConcurrentHashMap<>();
    AtomicInteger total = new AtomicInteger();
    List<PersistentSubscription> subs = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      int connection = c;
      got.put(c, java.util.Collections.synchronizedList(new ArrayList<>()));
      subs.add(
          f.persistent
              .subscribeToStream(
                  stream,
                  group,
                  SubscribePersistentSubscriptionOptions.get().bufferSize(bufferSize),
                  new PersistentSubscriptionListener() {
                    @Override
                    public void onEvent(PersistentSubscription s, int retryCount, ResolvedEvent e) {
                      got.get(connection).add(label.apply(e));
                      total.incrementAndGet();
                      s.ack(e);
                    }
                  })
              .get(10, TimeUnit.SECONDS));
    }
    appends.run();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (total.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    for (PersistentSubscription s : subs) {
      s.stop();
    }
    assertThat(total.get()).isEqualTo(expected);
    return got;
  }

  private void create(String group, NamedConsumerStrategy strategy) throws Exception {
    f.persistent
        .createToStream(
            "$ce-shop",
            group,
            CreatePersistentSubscriptionToStreamOptions.get()
                .fromEnd()
                .resolveLinkTos()
                .namedConsumerStrategy(strategy))
        .get();
  }

  @Test
  void roundRobinSpreadsEventsOverEveryConnection() throws Exception {
    create("rr", NamedConsumerStrategy.ROUND_ROBIN);
    Map<Integer, List<String>> got = consume("rr", 3, 60, 100);
    assertThat(got.values()).allSatisfy(l -> assertThat(l).hasSizeBetween(15, 25));
  }

  @Test
  void dispatchToSingleUsesOneConnectionWhileItHasRoom() throws Exception {
    create("single", NamedConsumerStrategy.DISPATCH_TO_SINGLE);
    Map<Integer, List<String>> got = consume("single", 3, 60, 100);
    long used = got.values().stream().filter(l -> !l.isEmpty()).count();
    assertThat(used).isEqualTo(1);
    PersistentSubscriptionToStreamInfo info =
        f.persistent.getInfoToStream("$ce-shop", "single").get().orElseThrow();
    assertThat(info.getSettings().getNamedConsumerStrategy().isDispatchToSingle()).isTrue();
  }

  @Test
  void pinnedKeepsEachStreamOnOneConnection() throws Exception {
    create("pinned", NamedConsumerStrategy.PINNED);
    Map<Integer, List<String>> got = consume("pinned", 3, 60, 100);
    Set<String> seen = new HashSet<>();
    for (List<String> events : got.values()) {
      Set<String> streams = new HashSet<>();
      events.forEach(e -> streams.add(e.substring(0, e.indexOf('/'))));
      for (String s : streams) {
        assertThat(seen.add(s)).as("stream %s on one connection only", s).isTrue();
      }
    }
    assertThat(seen).hasSize(5);
  }

  @Test
  void pinnedByCorrelationKeepsEachCorrelationOnOneConnectionAcrossStreams() throws Exception {
    f.persistent
        .createToStream(
            "$ce-proc",
            "corr",
            CreatePersistentSubscriptionToStreamOptions.get()
                .fromStart()
                .resolveLinkTos()
                .namedConsumerStrategy(NamedConsumerStrategy.PINNED_BY_CORRELATION))
        .get();
    PersistentSubscriptionToStreamInfo info =
        f.persistent.getInfoToStream("$ce-proc", "corr").get().orElseThrow();
    assertThat(info.getSettings().getNamedConsumerStrategy().isPinnedByCorrelation()).isTrue();

    int events = 90;
    Map<Integer, List<String>> got =
        consume(
            "$ce-proc",
            "corr",
            3,
            events,
            100,
            // a correlation, or for events without one the stream they pin by
            e -> {
              String metadata = new String(e.getEvent().getUserMetadata(), StandardCharsets.UTF_8);
              return metadata.startsWith("{") ? metadata : "stream " + e.getEvent().getStreamId();
            },
            () -> {
              for (int i = 0; i < events; i++) {
                String metadata =
                    i % 10 == 9
                        ? "not json"
                        : "{\"$causationId\":\"x\",\"$correlationId\":\"process-" + (i % 9) + "\"}";
                f.client
                    .appendToStream(
                        "proc-" + (i % 5),
                        EventData.builderAsJson(
                                "Step", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8))
                            .metadataAsBytes(metadata.getBytes(StandardCharsets.UTF_8))
                            .build())
                    .get();
              }
            });
    Map<String, Set<Integer>> connectionsOf = new HashMap<>();
    got.forEach(
        (connection, metadata) ->
            metadata.forEach(
                m -> connectionsOf.computeIfAbsent(m, k -> new HashSet<>()).add(connection)));
    // nine correlations, each over several streams, and the uncorrelated events (all in proc-4)
    assertThat(connectionsOf).hasSize(10);
    connectionsOf.forEach(
        (metadata, used) -> assertThat(used).as("connections of %s", metadata).hasSize(1));
    Set<Integer> all = new HashSet<>();
    connectionsOf.values().forEach(all::addAll);
    assertThat(all).as("the nine correlations spread over the connections").hasSizeGreaterThan(1);
  }

  @Test
  void updateChangesTheSettingsAndKeepsTheStrategyReadable() throws Exception {
    create("upd", NamedConsumerStrategy.ROUND_ROBIN);
    f.persistent
        .updateToStream(
            "$ce-shop",
            "upd",
            UpdatePersistentSubscriptionToStreamOptions.get()
                .maxRetryCount(7)
                .namedConsumerStrategy(NamedConsumerStrategy.PINNED))
        .get();
    PersistentSubscriptionToStreamInfo info =
        f.persistent.getInfoToStream("$ce-shop", "upd").get().orElseThrow();
    assertThat(info.getSettings().getMaxRetryCount()).isEqualTo(7);
    assertThat(info.getSettings().getNamedConsumerStrategy().isPinned()).isTrue();
    assertThat(f.persistent.listAll().get()).extracting(i -> i.getGroupName()).contains("upd");
    f.persistent.restartSubsystem().get();
    f.persistent.deleteToStream("$ce-shop", "upd").get();
    assertThat(f.persistent.getInfoToStream("$ce-shop", "upd").get()).isEmpty();
  }
}
