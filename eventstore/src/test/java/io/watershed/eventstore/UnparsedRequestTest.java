package io.watershed.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.watershed.core.metrics.RequestObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What grpc-java would log with a stack trace for each bad request (a message that does not parse,
 * one over the limit, a client's broken stream) is counted as a protocol error and logged as a
 * rate-limited line instead: a client must not be able to grow the log at will. The request still
 * gets its error.
 */
class UnparsedRequestTest {
  @TempDir Path dir;

  /** Sends raw bytes as the request message. */
  static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /** Streams/Read with raw bytes for a request. */
  static final MethodDescriptor<byte[], byte[]> READ =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName("event_store.client.streams.Streams/Read")
          .setRequestMarshaller(RAW)
          .setResponseMarshaller(RAW)
          .build();

  /** What grpc-java's loggers published past our filters. */
  final List<LogRecord> published = new CopyOnWriteArrayList<>();

  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          published.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  final AtomicInteger protocolErrors = new AtomicInteger();

  final RequestObserver countingProtocolErrors =
      new RequestObserver() {
        @Override
        public void completed(String api, long nanos, boolean failed) {}

        @Override
        public void protocolError() {
          protocolErrors.incrementAndGet();
        }
      };

  /**
   * Sends {@code request} to Streams/Read five times on a fresh door, each answered with an error,
   * while {@code loggers} are watched.
   */
  private void sendFiveTimes(byte[] request, List<String> loggers) throws Exception {
    List<Logger> watched = loggers.stream().map(Logger::getLogger).toList();
    try (DoorFixture fixture = new DoorFixture(dir)) {
      watched.forEach(l -> l.addHandler(capture));
      fixture.door.observeRequests(countingProtocolErrors);
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", fixture.door.port())
              .usePlaintext()
              .maxInboundMessageSize(64 << 20)
              .build();
      try {
        for (int i = 0; i < 5; i++) {
          assertThatThrownBy(
                  () ->
                      ClientCalls.blockingServerStreamingCall(
                              channel, READ, CallOptions.DEFAULT, request)
                          .hasNext())
              .isInstanceOfSatisfying(
                  StatusRuntimeException.class,
                  e -> assertThat(e.getStatus().getCode()).isNotEqualTo(Status.Code.OK));
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        watched.forEach(l -> l.removeHandler(capture));
      }
    }
  }

  @Test
  void aRequestMessageThatDoesNotParseIsCountedNotLoggedWithAStackTrace() throws Exception {
    sendFiveTimes(
        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
        List.of(GrpcConnectionLog.CALL_TASKS));
    assertThat(protocolErrors).hasValue(5);
    assertThat(published).isEmpty();
  }

  @Test
  void aMessageOverTheLimitIsCountedNotLoggedWithAStackTrace() throws Exception {
    // grpc-java's deframer refuses it ("Exception processing message", WARNING, stack trace).
    byte[] tooLarge =
        new byte
            [EventStoreDoorConfig.plaintext("127.0.0.1", 0, dir.resolve("tls"))
                    .maxInboundMessageBytes()
                + 1];
    sendFiveTimes(tooLarge, GrpcConnectionLog.CLIENT_STREAM_LOGGERS);
    assertThat(protocolErrors).hasValueGreaterThanOrEqualTo(5);
    assertThat(published).isEmpty();
  }

  @Test
  void whatIsNotTheClientsMistakeKeepsItsStackTrace() {
    LogRecord bug = new LogRecord(Level.SEVERE, "Exception while executing");
    bug.setThrown(new IllegalStateException("a bug of ours"));
    assertThat(GrpcConnectionLog.logUnlessUnparsedRequest(bug)).isTrue();
    LogRecord bad = new LogRecord(Level.SEVERE, "Exception while executing");
    bad.setThrown(
        Status.INTERNAL
            .withDescription("Invalid protobuf byte sequence")
            .withCause(new com.google.protobuf.InvalidProtocolBufferException("truncated"))
            .asRuntimeException());
    assertThat(GrpcConnectionLog.logUnlessUnparsedRequest(bad)).isFalse();

    LogRecord streamError = new LogRecord(Level.WARNING, "Stream Error");
    streamError.setThrown(new IllegalStateException("Received DATA frame for an unknown stream"));
    assertThat(GrpcConnectionLog.logUnlessClientStreamProblem(streamError)).isFalse();
    LogRecord severe = new LogRecord(Level.SEVERE, "something of ours broke");
    severe.setThrown(new IllegalStateException("a bug"));
    assertThat(GrpcConnectionLog.logUnlessClientStreamProblem(severe)).isTrue();
  }
}
