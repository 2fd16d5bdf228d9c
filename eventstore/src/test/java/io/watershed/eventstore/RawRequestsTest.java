package io.watershed.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.proto.gossip.GossipGrpc;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.ClusterInfo;
import io.kurrent.dbclient.proto.gossip.GossipOuterClass.MemberInfo;
import io.kurrent.dbclient.proto.serverfeatures.ServerFeaturesGrpc;
import io.kurrent.dbclient.proto.serverfeatures.Serverfeatures.SupportedMethods;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The door with hand-made requests: what the Java client never sends (batch appends, string UUIDs,
 * malformed and oversized messages), and the discovery services.
 */
class RawRequestsTest {
  @TempDir Path dir;
  DoorFixture f;
  ManagedChannel channel;

  @BeforeEach
  void open() throws Exception {
    f = new DoorFixture(dir);
    channel = NettyChannelBuilder.forAddress("127.0.0.1", f.door.port()).usePlaintext().build();
  }

  @AfterEach
  void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    f.close();
  }

  private static Shared.UUID uuid(UUID u) {
    return Wire.uuid(u, false);
  }

  private static BatchAppendReq.ProposedMessage message(String type, String data) {
    return BatchAppendReq.ProposedMessage.newBuilder()
        .setId(uuid(UUID.randomUUID()))
        .putMetadata("type", type)
        .putMetadata("content-type", "application/json")
        .setData(ByteString.copyFromUtf8(data))
        .build();
  }

  /** A bidirectional call's answers, collected. */
  static final class Answers<T> implements StreamObserver<T> {
    final LinkedBlockingQueue<T> items = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();

    @Override
    public void onNext(T value) {
      items.add(value);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(null);
    }

    T take() throws InterruptedException {
      T t = items.poll(10, TimeUnit.SECONDS);
      assertThat(t).as("an answer").isNotNull();
      return t;
    }
  }

  @Test
  void batchAppendAnswersEachAppendByCorrelationIdIncludingChunkedAndFailedOnes() throws Exception {
    Answers<BatchAppendResp> answers = new Answers<>();
    StreamObserver<BatchAppendReq> requests = StreamsGrpc.newStub(channel).batchAppend(answers);
    UUID ok = UUID.randomUUID();
    UUID chunked = UUID.randomUUID();
    UUID wrong = UUID.randomUUID();
    requests.onNext(
        BatchAppendReq.newBuilder()
            .setCorrelationId(uuid(ok))
            .setOptions(
                BatchAppendReq.Options.newBuilder()
                    .setStreamIdentifier(Wire.streamIdentifier("batch-a"))
                    .setNoStream(Empty.getDefaultInstance()))
            .addProposedMessages(message("A", "{\"n\":0}"))
            .addProposedMessages(message("A", "{\"n\":1}"))
            .setIsFinal(true)
            .build());
    requests.onNext(
        BatchAppendReq.newBuilder()
            .setCorrelationId(uuid(chunked))
            .setOptions(
                BatchAppendReq.Options.newBuilder()
                    .setStreamIdentifier(Wire.streamIdentifier("batch-b"))
                    .setAny(Empty.getDefaultInstance()))
            .addProposedMessages(message("B", "{\"n\":0}"))
            .build());
    requests.onNext(
        BatchAppendReq.newBuilder()
            .setCorrelationId(uuid(chunked))
            .addProposedMessages(message("B", "{\"n\":1}"))
            .addProposedMessages(message("B", "{\"n\":2}"))
            .setIsFinal(true)
            .build());
    List<BatchAppendResp> got = new ArrayList<>(List.of(answers.take(), answers.take()));
    requests.onNext(
        BatchAppendReq.newBuilder()
            .setCorrelationId(uuid(wrong))
            .setOptions(
                BatchAppendReq.Options.newBuilder()
                    .setStreamIdentifier(Wire.streamIdentifier("batch-a"))
                    .setStreamPosition(7))
            .addProposedMessages(message("A", "{}"))
            .setIsFinal(true)
            .build());
    got.add(answers.take());
    requests.onCompleted();
    answers.done.get(10, TimeUnit.SECONDS);

    BatchAppendResp a = find(got, ok);
    assertThat(a.hasSuccess()).isTrue();
    assertThat(a.getSuccess().getCurrentRevision()).isEqualTo(1);
    assertThat(a.getStreamIdentifier()).isEqualTo(Wire.streamIdentifier("batch-a"));
    BatchAppendResp b = find(got, chunked);
    assertThat(b.getSuccess().getCurrentRevision()).isEqualTo(2);
    BatchAppendResp w = find(got, wrong);
    assertThat(w.hasError()).isTrue();
    assertThat(w.getError().getCode())
        .isEqualTo(com.google.rpc.Code.FAILED_PRECONDITION.getNumber());
    Any detail = w.getError().getDetails(0);
    Shared.WrongExpectedVersion wev = detail.unpack(Shared.WrongExpectedVersion.class);
    assertThat(wev.getCurrentStreamRevision()).isEqualTo(1);
    assertThat(wev.getExpectedStreamPosition()).isEqualTo(7);

    assertThat(f.client.readStream("batch-b", ReadStreamOptions.get()).get().getEvents())
        .hasSize(3);
  }

  @Test
  void readsAnswerInTheUuidFormAskedFor() throws Exception {
    UUID id = UUID.randomUUID();
    f.client
        .appendToStream(
            "uuids", io.kurrent.dbclient.EventData.builderAsJson(id, "T", "{}".getBytes()).build())
        .get();
    Iterator<ReadResp> it =
        StreamsGrpc.newBlockingStub(channel)
            .read(
                ReadReq.newBuilder()
                    .setOptions(
                        ReadReq.Options.newBuilder()
                            .setStream(
                                ReadReq.Options.StreamOptions.newBuilder()
                                    .setStreamIdentifier(Wire.streamIdentifier("uuids"))
                                    .setStart(Shared.Empty.getDefaultInstance()))
                            .setCount(10)
                            .setNoFilter(Shared.Empty.getDefaultInstance())
                            .setUuidOption(
                                ReadReq.Options.UUIDOption.newBuilder()
                                    .setString(Shared.Empty.getDefaultInstance())))
                    .build());
    ReadResp first = it.next();
    assertThat(first.getEvent().getEvent().getId().getString()).isEqualTo(id.toString());
    assertThat(first.getEvent().getEvent().getMetadataMap())
        .containsKeys("type", "content-type", "created");
  }

  @Test
  void filteredReadsOfAllReturnOnlyMatchingEventsUpToTheCount() throws Exception {
    for (int i = 0; i < 600; i++) {
      String type = i % 3 == 0 ? "Kept" : "Other";
      f.client
          .appendToStream(
              "mixed-" + (i % 7),
              io.kurrent.dbclient.EventData.builderAsJson(type, ("{\"i\":" + i + "}").getBytes())
                  .build())
          .get();
    }
    Iterator<ReadResp> it =
        StreamsGrpc.newBlockingStub(channel)
            .read(
                ReadReq.newBuilder()
                    .setOptions(
                        ReadReq.Options.newBuilder()
                            .setAll(
                                ReadReq.Options.AllOptions.newBuilder()
                                    .setStart(Shared.Empty.getDefaultInstance()))
                            .setCount(150)
                            .setFilter(
                                ReadReq.Options.FilterOptions.newBuilder()
                                    .setEventType(
                                        ReadReq.Options.FilterOptions.Expression.newBuilder()
                                            .addPrefix("Kep")
                                            .addPrefix("Kept"))
                                    .setCount(Shared.Empty.getDefaultInstance()))
                            .setUuidOption(
                                ReadReq.Options.UUIDOption.newBuilder()
                                    .setStructured(Shared.Empty.getDefaultInstance())))
                    .build());
    List<String> data = new ArrayList<>();
    while (it.hasNext()) {
      ReadResp r = it.next();
      if (r.hasEvent()) {
        assertThat(r.getEvent().getEvent().getMetadataMap()).containsEntry("type", "Kept");
        data.add(r.getEvent().getEvent().getData().toStringUtf8());
      }
    }
    assertThat(data).hasSize(150);
    assertThat(data.get(0)).isEqualTo("{\"i\":0}");
    assertThat(data.get(149)).isEqualTo("{\"i\":447}");
  }

  @Test
  void malformedAppendsGetInvalidArgumentAndTheDoorGoesOn() throws Exception {
    // an event before the options
    assertThat(
            append(
                AppendReq.newBuilder()
                    .setProposedMessage(proposed(UUID.randomUUID().toString(), "T"))
                    .build()))
        .satisfies(
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    // a malformed event id
    assertThat(
            append(
                options("bad-ids"),
                AppendReq.newBuilder().setProposedMessage(proposed("not-a-uuid", "T")).build()))
        .satisfies(
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    // an event without a type
    assertThat(
            append(
                options("no-type"),
                AppendReq.newBuilder()
                    .setProposedMessage(proposed(UUID.randomUUID().toString(), null))
                    .build()))
        .satisfies(
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    // a message larger than the door takes
    byte[] huge =
        new byte[EventStoreDoorConfig.plaintext("h", 0, dir).maxInboundMessageBytes() + 10];
    assertThat(
            append(
                options("huge"),
                AppendReq.newBuilder()
                    .setProposedMessage(
                        AppendReq.ProposedMessage.newBuilder()
                            .setId(Wire.uuid(UUID.randomUUID(), true))
                            .putMetadata("type", "T")
                            .setData(ByteString.copyFrom(huge)))
                    .build()))
        .satisfies(
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThatThrownBy(() -> f.client.readStream("huge", ReadStreamOptions.get()).get())
        .hasCauseInstanceOf(io.kurrent.dbclient.StreamNotFoundException.class);
    f.client
        .appendToStream(
            "after", io.kurrent.dbclient.EventData.builderAsJson("T", "{}".getBytes()).build())
        .get();
    assertThat(f.client.readStream("after", ReadStreamOptions.get()).get().getEvents()).hasSize(1);
  }

  private static AppendReq options(String stream) {
    return AppendReq.newBuilder()
        .setOptions(
            AppendReq.Options.newBuilder()
                .setStreamIdentifier(Wire.streamIdentifier(stream))
                .setAny(Shared.Empty.getDefaultInstance()))
        .build();
  }

  private static AppendReq.ProposedMessage proposed(String id, String type) {
    AppendReq.ProposedMessage.Builder b =
        AppendReq.ProposedMessage.newBuilder()
            .setId(Shared.UUID.newBuilder().setString(id))
            .setData(ByteString.copyFromUtf8("{}"));
    if (type != null) {
      b.putMetadata("type", type);
    }
    return b.build();
  }

  private StatusRuntimeException append(AppendReq... messages) throws Exception {
    Answers<AppendResp> answers = new Answers<>();
    StreamObserver<AppendReq> requests = StreamsGrpc.newStub(channel).append(answers);
    for (AppendReq m : messages) {
      requests.onNext(m);
    }
    requests.onCompleted();
    try {
      answers.done.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return (StatusRuntimeException) e.getCause();
    }
    throw new AssertionError("the append was accepted: " + answers.items);
  }

  @Test
  void serverFeaturesAndGossipDescribeASingleLeader() {
    SupportedMethods m =
        ServerFeaturesGrpc.newBlockingStub(channel)
            .getSupportedMethods(Shared.Empty.getDefaultInstance());
    assertThat(m.getEventStoreServerVersion()).isEqualTo(EventStoreDoorConfig.SERVER_VERSION);
    assertThat(m.getMethodsList())
        .anySatisfy(
            x -> {
              assertThat(x.getServiceName()).isEqualTo(ServerFeaturesService.PERSISTENT);
              assertThat(x.getMethodName()).isEqualTo("create");
              assertThat(x.getFeaturesList()).contains("all");
            })
        .anySatisfy(x -> assertThat(x.getMethodName()).isEqualTo("batchappend"));
    ClusterInfo c = GossipGrpc.newBlockingStub(channel).read(Shared.Empty.getDefaultInstance());
    assertThat(c.getMembersList()).hasSize(1);
    MemberInfo self = c.getMembers(0);
    assertThat(self.getState()).isEqualTo(MemberInfo.VNodeState.Leader);
    assertThat(self.getIsAlive()).isTrue();
    assertThat(self.getHttpEndPoint().getPort()).isEqualTo(f.door.port());
  }

  private static BatchAppendResp find(List<BatchAppendResp> got, UUID correlation) {
    return got.stream()
        .filter(r -> Wire.uuid(r.getCorrelationId()).equals(correlation))
        .findFirst()
        .orElseThrow();
  }
}
