package io.watershed.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.StatusRuntimeException;
import io.kurrent.dbclient.AppendToStreamOptions;
import io.kurrent.dbclient.DeleteStreamOptions;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadResult;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.RecordedEvent;
import io.kurrent.dbclient.ResolvedEvent;
import io.kurrent.dbclient.StreamDeletedException;
import io.kurrent.dbclient.StreamNotFoundException;
import io.kurrent.dbclient.StreamState;
import io.kurrent.dbclient.WriteResult;
import io.kurrent.dbclient.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamsTest {
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

  static EventData json(String type, String body) {
    return EventData.builderAsJson(UUID.randomUUID(), type, body.getBytes(StandardCharsets.UTF_8))
        .metadataAsBytes(("{\"by\":\"test\"}").getBytes(StandardCharsets.UTF_8))
        .build();
  }

  @Test
  void appendAndReadBackKeepEveryField() throws Exception {
    UUID id = UUID.randomUUID();
    EventData e =
        EventData.builderAsBinary(id, "Shipped", new byte[] {1, 2, 3})
            .metadataAsBytes(new byte[] {9, 8})
            .build();
    long before = System.currentTimeMillis();
    WriteResult w =
        f.client
            .appendToStream(
                "order-1", AppendToStreamOptions.get().streamState(StreamState.noStream()), e)
            .get();
    assertThat(w.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(0));

    ReadResult r = f.client.readStream("order-1", ReadStreamOptions.get().fromStart()).get();
    assertThat(r.getEvents()).hasSize(1);
    RecordedEvent got = r.getEvents().get(0).getOriginalEvent();
    assertThat(got.getEventId()).isEqualTo(id);
    assertThat(got.getEventType()).isEqualTo("Shipped");
    assertThat(got.getContentType()).isEqualTo("application/octet-stream");
    assertThat(got.getEventData()).containsExactly(1, 2, 3);
    assertThat(got.getUserMetadata()).containsExactly(9, 8);
    assertThat(got.getStreamId()).isEqualTo("order-1");
    assertThat(got.getRevision()).isZero();
    assertThat(got.getCreated().toEpochMilli())
        .isBetween(before - 1000, System.currentTimeMillis() + 1000);
    assertThat(got.getPosition()).isEqualTo(w.getLogPosition());
  }

  @Test
  void expectedRevisionCases() throws Exception {
    f.client
        .appendToStream(
            "s", AppendToStreamOptions.get().streamState(StreamState.noStream()), json("A", "{}"))
        .get();
    f.client
        .appendToStream(
            "s",
            AppendToStreamOptions.get().streamState(StreamState.streamRevision(0)),
            json("A", "{}"))
        .get();
    f.client
        .appendToStream(
            "s",
            AppendToStreamOptions.get().streamState(StreamState.streamExists()),
            json("A", "{}"))
        .get();
    f.client
        .appendToStream(
            "s", AppendToStreamOptions.get().streamState(StreamState.any()), json("A", "{}"))
        .get();

    assertThatThrownBy(
            () ->
                f.client
                    .appendToStream(
                        "s",
                        AppendToStreamOptions.get().streamState(StreamState.noStream()),
                        json("A", "{}"))
                    .get())
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            WrongExpectedVersionException.class,
            w -> assertThat(w.getActualState()).isEqualTo(StreamState.streamRevision(3)));
    assertThatThrownBy(
            () ->
                f.client
                    .appendToStream(
                        "s",
                        AppendToStreamOptions.get().streamState(StreamState.streamRevision(1)),
                        json("A", "{}"))
                    .get())
        .cause()
        .isInstanceOfSatisfying(
            WrongExpectedVersionException.class,
            w -> {
              assertThat(w.getExpectedState()).isEqualTo(StreamState.streamRevision(1));
              assertThat(w.getActualState()).isEqualTo(StreamState.streamRevision(3));
            });
    assertThatThrownBy(
            () ->
                f.client
                    .appendToStream(
                        "absent",
                        AppendToStreamOptions.get().streamState(StreamState.streamExists()),
                        json("A", "{}"))
                    .get())
        .cause()
        .isInstanceOfSatisfying(
            WrongExpectedVersionException.class,
            w -> assertThat(w.getActualState()).isEqualTo(StreamState.noStream()));
  }

  @Test
  void readsForwardsBackwardsAndAll() throws Exception {
    for (int i = 0; i < 10; i++) {
      f.client.appendToStream("nums", json("N", "{\"i\":" + i + "}")).get();
      f.client.appendToStream("other", json("O", "{\"i\":" + i + "}")).get();
    }
    List<Long> fwd =
        revisions(
            f.client.readStream("nums", ReadStreamOptions.get().fromRevision(3).maxCount(4)).get());
    assertThat(fwd).containsExactly(3L, 4L, 5L, 6L);
    List<Long> bwd =
        revisions(
            f.client
                .readStream("nums", ReadStreamOptions.get().backwards().fromEnd().maxCount(3))
                .get());
    assertThat(bwd).containsExactly(9L, 8L, 7L);

    List<ResolvedEvent> all = f.client.readAll(ReadAllOptions.get().fromStart()).get().getEvents();
    List<ResolvedEvent> mine =
        all.stream().filter(e -> !e.getOriginalEvent().getStreamId().startsWith("$")).toList();
    assertThat(mine).hasSize(20);
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).getOriginalEvent().getPosition())
          .isGreaterThan(all.get(i - 1).getOriginalEvent().getPosition());
    }
    List<ResolvedEvent> back =
        f.client.readAll(ReadAllOptions.get().backwards().fromEnd().maxCount(5)).get().getEvents();
    assertThat(back).hasSize(5);
    assertThat(back.get(0).getOriginalEvent().getPosition())
        .isEqualTo(all.get(all.size() - 1).getOriginalEvent().getPosition());
  }

  @Test
  void linkEventsResolveInStreamAndAllReadsWhenAsked() throws Exception {
    f.client.appendToStream("target", json("Placed", "{\"n\":7}")).get();
    EventData link =
        EventData.builderAsBinary("$>", "0@target".getBytes(StandardCharsets.UTF_8)).build();
    f.client.appendToStream("pointers", link).get();

    ResolvedEvent viaStream =
        f.client
            .readStream("pointers", ReadStreamOptions.get().resolveLinkTos())
            .get()
            .getEvents()
            .get(0);
    assertThat(viaStream.getEvent().getStreamId()).isEqualTo("target");
    assertThat(viaStream.getLink().getStreamId()).isEqualTo("pointers");

    List<ResolvedEvent> resolved =
        f.client.readAll(ReadAllOptions.get().fromStart().resolveLinkTos()).get().getEvents();
    ResolvedEvent viaAll =
        resolved.stream()
            .filter(e -> e.getOriginalEvent().getStreamId().equals("pointers"))
            .findFirst()
            .orElseThrow();
    assertThat(viaAll.getLink()).isNotNull();
    assertThat(viaAll.getEvent().getStreamId()).isEqualTo("target");
    assertThat(viaAll.getEvent().getEventType()).isEqualTo("Placed");
    assertThat(new String(viaAll.getEvent().getEventData(), StandardCharsets.UTF_8))
        .isEqualTo("{\"n\":7}");
    assertThat(viaAll.getOriginalEvent().getPosition())
        .isEqualTo(viaAll.getLink().getPosition())
        .isNotEqualTo(viaAll.getEvent().getPosition());

    ResolvedEvent bare =
        f.client.readAll(ReadAllOptions.get().fromStart()).get().getEvents().stream()
            .filter(e -> e.getOriginalEvent().getStreamId().equals("pointers"))
            .findFirst()
            .orElseThrow();
    assertThat(bare.getLink()).isNull();
    assertThat(bare.getEvent().getEventType()).isEqualTo("$>");

    List<ResolvedEvent> backwards =
        f.client
            .readAll(ReadAllOptions.get().backwards().fromEnd().resolveLinkTos())
            .get()
            .getEvents();
    assertThat(backwards)
        .filteredOn(e -> e.getOriginalEvent().getStreamId().equals("pointers"))
        .singleElement()
        .satisfies(e -> assertThat(e.getEvent().getStreamId()).isEqualTo("target"));
  }

  @Test
  void notFoundDeletedAndTombstoned() throws Exception {
    assertThatThrownBy(() -> f.client.readStream("nothing", ReadStreamOptions.get()).get())
        .cause()
        .isInstanceOf(StreamNotFoundException.class);

    f.client.appendToStream("soft", json("A", "{}"), json("A", "{}")).get();
    f.client
        .deleteStream("soft", DeleteStreamOptions.get().streamState(StreamState.streamRevision(1)))
        .get();
    assertThatThrownBy(() -> f.client.readStream("soft", ReadStreamOptions.get()).get())
        .cause()
        .isInstanceOf(StreamNotFoundException.class);
    WriteResult again = f.client.appendToStream("soft", json("A", "{}")).get();
    assertThat(again.getNextExpectedRevision()).isEqualTo(StreamState.streamRevision(2));

    f.client.appendToStream("hard", json("A", "{}")).get();
    f.client.tombstoneStream("hard").get();
    assertThatThrownBy(() -> f.client.appendToStream("hard", json("A", "{}")).get())
        .cause()
        .isInstanceOf(StreamDeletedException.class);
    assertThatThrownBy(() -> f.client.readStream("hard", ReadStreamOptions.get()).get())
        .cause()
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getTrailers().get(RpcErrors.EXCEPTION)).isEqualTo("stream-deleted"));
    assertThatThrownBy(
            () ->
                f.client
                    .deleteStream(
                        "soft",
                        DeleteStreamOptions.get().streamState(StreamState.streamRevision(0)))
                    .get())
        .cause()
        .isInstanceOf(WrongExpectedVersionException.class);
  }

  @Test
  void liveSubscriptionsHearOnlyOfTheirStreamIncludingProjections() throws Exception {
    java.util.concurrent.LinkedBlockingQueue<String> category =
        new java.util.concurrent.LinkedBlockingQueue<>();
    java.util.concurrent.LinkedBlockingQueue<String> one =
        new java.util.concurrent.LinkedBlockingQueue<>();
    io.kurrent.dbclient.Subscription a =
        f.client
            .subscribeToStream(
                "$ce-cart",
                listener(category),
                io.kurrent.dbclient.SubscribeToStreamOptions.get().fromEnd().resolveLinkTos())
            .get();
    io.kurrent.dbclient.Subscription b =
        f.client
            .subscribeToStream(
                "cart-2",
                listener(one),
                io.kurrent.dbclient.SubscribeToStreamOptions.get().fromEnd())
            .get();
    for (int i = 0; i < 20; i++) {
      f.client.appendToStream("noise-" + i, json("N", "{}")).get();
    }
    f.client.appendToStream("cart-1", json("Added", "{}")).get();
    f.client.appendToStream("cart-2", json("Added", "{}")).get();
    assertThat(category.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("cart-1/0");
    assertThat(category.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("cart-2/0");
    assertThat(one.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("cart-2/0");
    assertThat(one.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
    a.stop();
    b.stop();
  }

  private static io.kurrent.dbclient.SubscriptionListener listener(
      java.util.concurrent.BlockingQueue<String> got) {
    return new io.kurrent.dbclient.SubscriptionListener() {
      @Override
      public void onEvent(io.kurrent.dbclient.Subscription s, ResolvedEvent e) {
        got.add(e.getEvent().getStreamId() + "/" + e.getEvent().getRevision());
      }
    };
  }

  private static List<Long> revisions(ReadResult r) {
    return r.getEvents().stream().map(e -> e.getOriginalEvent().getRevision()).toList();
  }
}
