package io.watershed.it;

import static io.watershed.it.EventStoreClients.event;
import static io.watershed.it.EventStoreClients.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.Position;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamMetadata;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.WriteResult;
import io.kurrent.dbclient.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official KurrentDB Java client against the server process: appends with every expected
 * revision, reads, deletes, tombstones, stream metadata, racing appenders, 100,000 events over
 * 10,000 streams, the system projections, and the ways of connecting (esdb://, kurrentdb://,
 * +discover, TLS).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStoreStreamsTest {
  WatershedProcess server;
  KurrentDBClient client;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = new WatershedProcess(dir.resolve("data")).start();
    client = EventStoreClients.client(server.eventStoreConnectionString());
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) {
      EventStoreClients.close(client);
    }
    if (server != null) {
      server.close();
    }
  }

  private static AppendToStreamOptions expecting(StreamState s) {
    return AppendToStreamOptions.get().streamState(s);
  }

  private static Throwable failure(CompletableFuture<?> f) {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void appendReadDeleteTombstoneAndMetadataCycle() throws Exception {
    UUID id = UUID.randomUUID();
    EventData first =
        EventData.builderAsJson(id, "OrderPlaced", "{\"n\":1}".getBytes(StandardCharsets.UTF_8))
            .metadataAsBytes("{\"user\":\"ada\"}".getBytes(StandardCharsets.UTF_8))
            .build();
    WriteResult w =
        client.appendToStream("order-1", expecting(StreamState.noStream()), first).get();
    assertThat(w.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(0));

    // every expected-revision case, holding and not
    client
        .appendToStream("order-1", expecting(StreamState.streamRevision(0)), event("A", "{}"))
        .get();
    client.appendToStream("order-1", expecting(StreamState.streamExists()), event("B", "{}")).get();
    client.appendToStream("order-1", expecting(StreamState.any()), event("C", "{}")).get();
    assertThat(
            failure(
                client.appendToStream(
                    "order-1", expecting(StreamState.noStream()), event("X", "{}"))))
        .isInstanceOfSatisfying(
            WrongExpectedVersionException.class,
            e -> assertThat(e.getActualState()).isEqualTo(StreamState.streamRevision(3)));
    assertThat(
            failure(
                client.appendToStream(
                    "order-1", expecting(StreamState.streamRevision(2)), event("X", "{}"))))
        .isInstanceOfSatisfying(
            WrongExpectedVersionException.class,
            e -> {
              assertThat(e.getExpectedState()).isEqualTo(StreamState.streamRevision(2));
              assertThat(e.getActualState()).isEqualTo(StreamState.streamRevision(3));
            });
    assertThat(
            failure(
                client.appendToStream(
                    "nobody", expecting(StreamState.streamExists()), event("X", "{}"))))
        .isInstanceOfSatisfying(
            WrongExpectedVersionException.class,
            e -> assertThat(e.getActualState()).isEqualTo(StreamState.noStream()));

    // a retry of the same event ids is not written twice
    EventData retried =
        EventData.builderAsJson(UUID.randomUUID(), "R", "{}".getBytes(StandardCharsets.UTF_8))
            .build();
    WriteResult once =
        client.appendToStream("order-1", expecting(StreamState.streamRevision(3)), retried).get();
    WriteResult twice =
        client.appendToStream("order-1", expecting(StreamState.streamRevision(3)), retried).get();
    assertThat(twice.getNextExpectedRevision()).isEqualTo(once.getNextExpectedRevision());

    ReadResult r = client.readStream("order-1", ReadStreamOptions.get().fromStart()).get();
    assertThat(r.getEvents()).hasSize(5);
    RecordedEvent e0 = r.getEvents().get(0).getOriginalEvent();
    assertThat(e0.getEventId()).isEqualTo(id);
    assertThat(e0.getEventType()).isEqualTo("OrderPlaced");
    assertThat(e0.getContentType()).isEqualTo("application/json");
    assertThat(text(e0.getEventData())).isEqualTo("{\"n\":1}");
    assertThat(text(e0.getUserMetadata())).isEqualTo("{\"user\":\"ada\"}");
    assertThat(e0.getPosition()).isEqualTo(w.getLogPosition());
    assertThat(r.getLastStreamPosition()).isEqualTo(4);
    List<Long> back =
        client
            .readStream("order-1", ReadStreamOptions.get().backwards().fromEnd().maxCount(2))
            .get()
            .getEvents()
            .stream()
            .map(x -> x.getOriginalEvent().getRevision())
            .toList();
    assertThat(back).containsExactly(4L, 3L);

    // metadata: $maxCount honoured by reads, read back as set
    StreamMetadata md = new StreamMetadata();
    md.setMaxCount(2L);
    md.setCustomProperties(Map.of("owner", "billing"));
    client.setStreamMetadata("order-1", md).get();
    StreamMetadata got = client.getStreamMetadata("order-1").get();
    assertThat(got.getMaxCount()).isEqualTo(2L);
    assertThat(got.getCustomProperties()).containsEntry("owner", "billing");
    assertThat(client.readStream("order-1", ReadStreamOptions.get()).get().getEvents())
        .extracting(x -> x.getOriginalEvent().getRevision())
        .containsExactly(3L, 4L);
    StreamMetadata tb = new StreamMetadata();
    tb.setTruncateBefore(4L);
    client.setStreamMetadata("order-1", tb).get();
    assertThat(client.readStream("order-1", ReadStreamOptions.get()).get().getEvents())
        .extracting(x -> x.getOriginalEvent().getRevision())
        .containsExactly(4L);

    // soft delete: not found, then the revisions go on
    client
        .deleteStream(
            "order-1", DeleteStreamOptions.get().streamState(StreamState.streamRevision(4)))
        .get();
    assertThat(failure(client.readStream("order-1", ReadStreamOptions.get())))
        .isInstanceOf(StreamNotFoundException.class);
    WriteResult after = client.appendToStream("order-1", event("Reopened", "{}")).get();
    assertThat(after.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(5));

    // tombstone: gone for good
    assertThat(
            failure(
                client.tombstoneStream(
                    "order-1",
                    DeleteStreamOptions.get().streamState(StreamState.streamRevision(2)))))
        .isInstanceOf(WrongExpectedVersionException.class);
    client.tombstoneStream("order-1").get();
    assertThat(failure(client.appendToStream("order-1", event("X", "{}"))))
        .isInstanceOf(StreamDeletedException.class);
    assertThat(failure(client.readStream("order-1", ReadStreamOptions.get())))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(
                        e.getTrailers()
                            .get(Metadata.Key.of("exception", Metadata.ASCII_STRING_MARSHALLER)))
                    .isEqualTo("stream-deleted"));
    assertThat(failure(client.readStream("never-written", ReadStreamOptions.get())))
        .isInstanceOf(StreamNotFoundException.class);
  }

  @Test
  void concurrentAppendersRacingOnOneStreamExactlyOneWinsEachRace() throws Exception {
    int writers = 8;
    int rounds = 50;
    List<KurrentDBClient> clients = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      clients.add(EventStoreClients.client(server.eventStoreConnectionString()));
    }
    try {
      client.appendToStream("race", expecting(StreamState.noStream()), event("Start", "{}")).get();
      for (long round = 0; round < rounds; round++) {
        List<CompletableFuture<WriteResult>> attempts = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          attempts.add(
              clients
                  .get(i)
                  .appendToStream(
                      "race",
                      expecting(StreamState.streamRevision(round)),
                      event("Move", "{\"round\":" + round + ",\"writer\":" + i + "}")));
        }
        int won = 0;
        for (CompletableFuture<WriteResult> a : attempts) {
          try {
            WriteResult w = a.get(30, TimeUnit.SECONDS);
            assertThat(w.getNextExpectedRevision())
                .isEqualTo(StreamState.streamRevision(round + 1));
            won++;
          } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(WrongExpectedVersionException.class);
          }
        }
        assertThat(won).as("winners of round %d", round).isEqualTo(1);
      }
      ReadResult all = client.readStream("race", ReadStreamOptions.get()).get();
      assertThat(all.getEvents()).hasSize(rounds + 1);
    } finally {
      for (KurrentDBClient c : clients) {
        EventStoreClients.close(c);
      }
    }
  }

  @Test
  void hundredThousandEventsAcrossTenThousandStreamsReadBackPerStreamAndViaAll() throws Exception {
    int streams = 10_000;
    int perStream = 10;
    Semaphore inFlight = new Semaphore(256);
    List<CompletableFuture<WriteResult>> writes = new ArrayList<>();
    // Each stream gets its ten events in two appends of five (one batch each), interleaved with
    // the other streams so that $all mixes them.
    for (int half = 0; half < 2; half++) {
      for (int s = 0; s < streams; s++) {
        List<EventData> batch = new ArrayList<>();
        for (int i = 0; i < perStream / 2; i++) {
          int n = half * (perStream / 2) + i;
          batch.add(event("Bulk", "{\"s\":" + s + ",\"n\":" + n + "}"));
        }
        inFlight.acquire();
        CompletableFuture<WriteResult> w =
            client.appendToStream(
                "bulk-" + s,
                expecting(half == 0 ? StreamState.noStream() : StreamState.streamRevision(4)),
                batch.iterator());
        w.whenComplete((x, t) -> inFlight.release());
        writes.add(w);
      }
      for (CompletableFuture<WriteResult> w : writes) {
        w.get(60, TimeUnit.SECONDS);
      }
      writes.clear();
    }

    // per stream, in revision order, with the data written
    List<CompletableFuture<ReadResult>> reads = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      inFlight.acquire();
      CompletableFuture<ReadResult> r = client.readStream("bulk-" + s, ReadStreamOptions.get());
      r.whenComplete((x, t) -> inFlight.release());
      reads.add(r);
    }
    for (int s = 0; s < streams; s++) {
      List<ResolvedEvent> events = reads.get(s).get(60, TimeUnit.SECONDS).getEvents();
      assertThat(events).hasSize(perStream);
      for (int n = 0; n < perStream; n++) {
        RecordedEvent e = events.get(n).getOriginalEvent();
        assertThat(e.getRevision()).isEqualTo(n);
        assertThat(text(e.getEventData())).isEqualTo("{\"s\":" + s + ",\"n\":" + n + "}");
      }
    }

    // $all: every event once, positions increasing, each stream's events in revision order
    ReadResult all = client.readAll(ReadAllOptions.get().fromStart()).get(120, TimeUnit.SECONDS);
    Map<String, Long> nextRevision = new HashMap<>();
    Position last = null;
    int bulk = 0;
    for (ResolvedEvent r : all.getEvents()) {
      RecordedEvent e = r.getOriginalEvent();
      if (last != null) {
        assertThat(e.getPosition()).isGreaterThan(last);
      }
      last = e.getPosition();
      if (e.getStreamId().startsWith("bulk-")) {
        long expected = nextRevision.getOrDefault(e.getStreamId(), 0L);
        assertThat(e.getRevision()).as("revision in %s", e.getStreamId()).isEqualTo(expected);
        nextRevision.put(e.getStreamId(), expected + 1);
        bulk++;
      }
    }
    assertThat(bulk).isEqualTo(streams * perStream);
    assertThat(nextRevision)
        .hasSize(streams)
        .allSatisfy((k, v) -> assertThat(v).isEqualTo(perStream));

    // and backwards, the same events newest first
    ReadResult tail =
        client.readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(100)).get();
    List<ResolvedEvent> forwardTail =
        all.getEvents().subList(all.getEvents().size() - 100, all.getEvents().size());
    for (int i = 0; i < 100; i++) {
      assertThat(tail.getEvents().get(i).getOriginalEvent().getPosition())
          .isEqualTo(forwardTail.get(99 - i).getOriginalEvent().getPosition());
    }
  }

  @Test
  void categoryAndEventTypeProjectionsHoldTheRightLinks() throws Exception {
    client
        .appendToStream("cart-1", event("ItemAdded", "{\"sku\":\"a\"}"), event("CheckedOut", "{}"))
        .get();
    client.appendToStream("cart-2", event("ItemAdded", "{\"sku\":\"b\"}")).get();
    client.appendToStream("wishlist-1", event("ItemAdded", "{\"sku\":\"c\"}")).get();

    List<ResolvedEvent> category =
        client.readStream("$ce-cart", ReadStreamOptions.get().resolveLinkTos()).get().getEvents();
    assertThat(category)
        .extracting(
            e ->
                e.getEvent().getStreamId()
                    + "/"
                    + e.getEvent().getRevision()
                    + "/"
                    + e.getEvent().getEventType())
        .containsExactly("cart-1/0/ItemAdded", "cart-1/1/CheckedOut", "cart-2/0/ItemAdded");
    assertThat(category)
        .allSatisfy(
            e -> {
              assertThat(e.getLink()).isNotNull();
              assertThat(e.getLink().getStreamId()).isEqualTo("$ce-cart");
              assertThat(e.getLink().getEventType()).isEqualTo("$>");
            });
    assertThat(category).extracting(e -> e.getLink().getRevision()).containsExactly(0L, 1L, 2L);

    List<ResolvedEvent> links =
        client.readStream("$et-ItemAdded", ReadStreamOptions.get()).get().getEvents();
    assertThat(links)
        .extracting(e -> text(e.getEvent().getEventData()))
        .containsExactly("0@cart-1", "0@cart-2", "0@wishlist-1");

    List<ResolvedEvent> byCategory =
        client
            .readStream("$category-cart", ReadStreamOptions.get().resolveLinkTos())
            .get()
            .getEvents();
    assertThat(byCategory)
        .extracting(e -> e.getEvent().getStreamId())
        .containsExactly("cart-1", "cart-2");
    List<String> streams =
        client
            .readStream("$streams", ReadStreamOptions.get().resolveLinkTos())
            .get()
            .getEvents()
            .stream()
            .map(e -> e.getEvent().getStreamId())
            .toList();
    assertThat(streams).contains("cart-1", "cart-2", "wishlist-1").doesNotHaveDuplicates();
    assertThat(failure(client.appendToStream("$ce-cart", event("X", "{}"))))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void connectsWithEveryConnectionStringForm() throws Exception {
    int port = server.eventStorePort();
    for (String cs :
        List.of(
            "esdb://127.0.0.1:" + port + "?tls=false",
            "kurrentdb://127.0.0.1:" + port + "?tls=false",
            "kurrentdb+discover://127.0.0.1:" + port + "?tls=false",
            "esdb://admin:changeit@127.0.0.1:" + port + "?tls=false")) {
      KurrentDBClient c = EventStoreClients.client(cs);
      try {
        String stream = "conn-" + UUID.randomUUID();
        c.appendToStream(stream, event("Hello", "{}")).get(30, TimeUnit.SECONDS);
        assertThat(c.readStream(stream, ReadStreamOptions.get()).get().getEvents())
            .as(cs)
            .hasSize(1);
        assertThat(c.getServerVersion().get()).isPresent();
      } finally {
        EventStoreClients.close(c);
      }
    }
  }

  @Test
  void oversizedAppendsAndBadNamesAreRefusedAndNothingElseIsAffected() throws Exception {
    byte[] big = new byte[1024 * 1024 + 1];
    EventData huge = EventData.builderAsBinary(UUID.randomUUID(), "Huge", big).build();
    assertThat(failure(client.appendToStream("big", huge)))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(
                        e.getTrailers()
                            .get(Metadata.Key.of("exception", Metadata.ASCII_STRING_MARSHALLER)))
                    .isEqualTo("maximum-append-size-exceeded"));
    assertThat(failure(client.appendToStream("", event("X", "{}"))))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(failure(client.readStream("big", ReadStreamOptions.get())))
        .isInstanceOf(StreamNotFoundException.class);
    client.appendToStream("big", event("Small", "{}")).get();
    assertThat(client.readStream("big", ReadStreamOptions.get()).get().getEvents()).hasSize(1);
  }
}
