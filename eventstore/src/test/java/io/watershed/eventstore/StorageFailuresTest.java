package io.watershed.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.EventStoreException;
import io.watershed.core.stream.EventStoreLimits;
import io.watershed.core.stream.IndexedEventStore;
import io.watershed.core.stream.PersistentSubscriptions;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogDamagedException;
import io.watershed.log.LogManagerConfig;
import io.watershed.log.LogStorageException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client sees when the log fails under the door: a store whose appends or reads fail as the
 * real one does when its log refuses a write (disk full) or a read reaches a damaged range.
 */
class StorageFailuresTest {
  /** As IndexedEventStore reports a write the log refused. */
  static final String DISK_FULL = "__eventstore_all-0: write failed: No space left on device";

  @TempDir Path dir;
  TopicStore topics;
  IndexedEventStore real;
  PersistentSubscriptions groups;
  EventStoreFrontDoor door;
  ManagedChannel channel;

  /** What the next calls of the store's methods throw (appends: fail with), or null to serve. */
  final AtomicReference<RuntimeException> appendFailure = new AtomicReference<>();

  final AtomicReference<RuntimeException> readFailure = new AtomicReference<>();

  @BeforeEach
  void open() throws Exception {
    topics = TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
    real = IndexedEventStore.open(topics, dir.resolve("index"), EventStoreLimits.DEFAULT);
    groups = PersistentSubscriptions.open(real);
    EventStore failing =
        (EventStore)
            Proxy.newProxyInstance(
                EventStore.class.getClassLoader(),
                new Class<?>[] {EventStore.class},
                (proxy, method, args) -> {
                  RuntimeException append = appendFailure.get();
                  if (append != null && method.getName().equals("append")) {
                    return CompletableFuture.failedFuture(append);
                  }
                  RuntimeException read = readFailure.get();
                  if (read != null && method.getName().startsWith("read")) {
                    throw read;
                  }
                  try {
                    return method.invoke(real, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    door =
        new EventStoreFrontDoor(
            EventStoreDoorConfig.plaintext("127.0.0.1", 0, dir.resolve("tls")), failing, groups);
    door.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", door.port()).usePlaintext().build();
  }

  @AfterEach
  void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    door.close();
    groups.close();
    real.close();
    topics.close();
  }

  private static RuntimeException diskFull() {
    return new EventStoreException(
        "append failed: " + DISK_FULL,
        new LogStorageException(DISK_FULL, new IOException("No space left on device")));
  }

  private StatusRuntimeException append(String stream) throws Exception {
    CompletableFuture<AppendResp> answer = new CompletableFuture<>();
    StreamObserver<AppendReq> requests =
        StreamsGrpc.newStub(channel)
            .append(
                new StreamObserver<>() {
                  @Override
                  public void onNext(AppendResp value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        AppendReq.newBuilder()
            .setOptions(
                AppendReq.Options.newBuilder()
                    .setStreamIdentifier(Wire.streamIdentifier(stream))
                    .setAny(Shared.Empty.getDefaultInstance()))
            .build());
    requests.onNext(
        AppendReq.newBuilder()
            .setProposedMessage(
                AppendReq.ProposedMessage.newBuilder()
                    .setId(Wire.uuid(UUID.randomUUID(), false))
                    .putMetadata("type", "T")
                    .putMetadata("content-type", "application/json")
                    .setData(ByteString.copyFromUtf8("{}")))
            .build());
    requests.onCompleted();
    try {
      answer.get(10, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return (StatusRuntimeException) e.getCause();
    }
  }

  @Test
  void anAppendTheLogRefusesEndsUnavailableWithTheReason() throws Exception {
    appendFailure.set(diskFull());
    StatusRuntimeException refused = append("orders");
    assertThat(refused).isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(refused.getStatus().getDescription()).isEqualTo("Storage unavailable: " + DISK_FULL);

    appendFailure.set(null);
    assertThat(append("orders")).as("served again once the log takes writes").isNull();
  }

  @Test
  void aBatchAppendTheLogRefusesAnswersUnavailable() throws Exception {
    appendFailure.set(diskFull());
    CompletableFuture<BatchAppendResp> answer = new CompletableFuture<>();
    StreamObserver<BatchAppendReq> requests =
        StreamsGrpc.newStub(channel)
            .batchAppend(
                new StreamObserver<>() {
                  @Override
                  public void onNext(BatchAppendResp value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        BatchAppendReq.newBuilder()
            .setCorrelationId(Wire.uuid(UUID.randomUUID(), false))
            .setOptions(
                BatchAppendReq.Options.newBuilder()
                    .setStreamIdentifier(Wire.streamIdentifier("batch"))
                    .setAny(com.google.protobuf.Empty.getDefaultInstance()))
            .addProposedMessages(
                BatchAppendReq.ProposedMessage.newBuilder()
                    .setId(Wire.uuid(UUID.randomUUID(), false))
                    .putMetadata("type", "T")
                    .putMetadata("content-type", "application/json")
                    .setData(ByteString.copyFromUtf8("{}")))
            .setIsFinal(true)
            .build());
    BatchAppendResp resp = answer.get(10, TimeUnit.SECONDS);
    requests.onCompleted();
    assertThat(resp.getError().getCode()).isEqualTo(com.google.rpc.Code.UNAVAILABLE.getNumber());
    assertThat(resp.getError().getMessage()).isEqualTo("Storage unavailable: " + DISK_FULL);
  }

  @Test
  void aReadOfADamagedRangeEndsDataLossNamingThePositions() throws Exception {
    assertThat(append("orders")).isNull();
    readFailure.set(
        new EventStoreException(
            "cannot read $all at 120: damaged",
            new LogDamagedException(
                "__eventstore_all-0: batch at offset 120 failed its CRC check", 120, 140)));
    Iterator<ReadResp> it =
        StreamsGrpc.newBlockingStub(channel)
            .read(
                ReadReq.newBuilder()
                    .setOptions(
                        ReadReq.Options.newBuilder()
                            .setStream(
                                ReadReq.Options.StreamOptions.newBuilder()
                                    .setStreamIdentifier(Wire.streamIdentifier("orders"))
                                    .setStart(Shared.Empty.getDefaultInstance()))
                            .setCount(10)
                            .setNoFilter(Shared.Empty.getDefaultInstance())
                            .setUuidOption(
                                ReadReq.Options.UUIDOption.newBuilder()
                                    .setString(Shared.Empty.getDefaultInstance())))
                    .build());
    assertThatThrownBy(() -> it.forEachRemaining(r -> {}))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS);
              assertThat(e.getStatus().getDescription())
                  .startsWith("Events at positions 120 to 139 of $all are damaged on disk")
                  .contains("CRC");
            });
  }

  @Test
  void otherFailuresStayInternal() {
    StatusRuntimeException e = RpcErrors.of(new IllegalStateException("a bug"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    StatusRuntimeException open =
        RpcErrors.of(
            new EventStoreException(
                "x", new LogDamagedException("__eventstore_all-0: damaged", 7, -1)));
    assertThat(open.getStatus().getDescription()).startsWith("Events from position 7 on of $all");
  }
}
