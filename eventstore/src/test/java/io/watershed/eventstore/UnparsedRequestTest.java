package io.watershed.eventstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request message that does not parse gets an error and is counted as a protocol error, without
 * grpc-java's SEVERE stack trace per message: a client must not be able to grow the log at will.
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

  @Test
  void aRequestMessageThatDoesNotParseIsCountedNotLoggedWithAStackTrace() throws Exception {
    List<LogRecord> severe = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            severe.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    AtomicInteger protocolErrors = new AtomicInteger();
    try (DoorFixture fixture = new DoorFixture(dir)) {
      Logger callTasks = Logger.getLogger(GrpcConnectionLog.CALL_TASKS);
      callTasks.addHandler(capture);
      fixture.door.observeRequests(
          new RequestObserver() {
            @Override
            public void completed(String api, long nanos, boolean failed) {}

            @Override
            public void protocolError() {
              protocolErrors.incrementAndGet();
            }
          });
      MethodDescriptor<byte[], byte[]> read =
          MethodDescriptor.<byte[], byte[]>newBuilder()
              .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName("event_store.client.streams.Streams/Read")
              .setRequestMarshaller(RAW)
              .setResponseMarshaller(RAW)
              .build();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", fixture.door.port()).usePlaintext().build();
      try {
        for (int i = 0; i < 20; i++) {
          assertThatThrownBy(
                  () ->
                      ClientCalls.blockingServerStreamingCall(
                              channel,
                              read,
                              io.grpc.CallOptions.DEFAULT,
                              new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff})
                          .hasNext())
              .isInstanceOfSatisfying(
                  StatusRuntimeException.class,
                  e -> assertThat(e.getStatus().getCode()).isNotEqualTo(Status.Code.OK));
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        callTasks.removeHandler(capture);
      }
      assertThat(protocolErrors).hasValue(20);
      assertThat(severe).isEmpty();
    }
  }

  @Test
  void whatIsNotTheClientsMistakeKeepsItsStackTrace() {
    LogRecord bug = new LogRecord(java.util.logging.Level.SEVERE, "Exception while executing");
    bug.setThrown(new IllegalStateException("a bug of ours"));
    assertThat(GrpcConnectionLog.logUnlessUnparsedRequest(bug)).isTrue();
    LogRecord bad = new LogRecord(java.util.logging.Level.SEVERE, "Exception while executing");
    bad.setThrown(
        Status.INTERNAL
            .withDescription("Invalid protobuf byte sequence")
            .withCause(new com.google.protobuf.InvalidProtocolBufferException("truncated"))
            .asRuntimeException());
    assertThat(GrpcConnectionLog.logUnlessUnparsedRequest(bad)).isFalse();
  }

  @Test
  void grpcJavasWarningsAboutAClientsStreamAreCountedNotLoggedWithAStackTrace() {
    LogRecord streamError = new LogRecord(java.util.logging.Level.WARNING, "Stream Error");
    streamError.setThrown(new IllegalStateException("Received DATA frame for an unknown stream"));
    assertThat(GrpcConnectionLog.logUnlessClientStreamProblem(streamError)).isFalse();
    LogRecord severe = new LogRecord(java.util.logging.Level.SEVERE, "something of ours broke");
    severe.setThrown(new IllegalStateException("a bug"));
    assertThat(GrpcConnectionLog.logUnlessClientStreamProblem(severe)).isTrue();
  }

  @Test
  void aMessageOverTheLimitIsCountedNotLoggedWithAStackTrace() throws Exception {
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            warnings.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    AtomicInteger protocolErrors = new AtomicInteger();
    try (DoorFixture fixture = new DoorFixture(dir)) {
      List<Logger> loggers =
          GrpcConnectionLog.CLIENT_STREAM_LOGGERS.stream().map(Logger::getLogger).toList();
      loggers.forEach(l -> l.addHandler(capture));
      fixture.door.observeRequests(
          new RequestObserver() {
            @Override
            public void completed(String api, long nanos, boolean failed) {}

            @Override
            public void protocolError() {
              protocolErrors.incrementAndGet();
            }
          });
      MethodDescriptor<byte[], byte[]> read =
          MethodDescriptor.<byte[], byte[]>newBuilder()
              .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName("event_store.client.streams.Streams/Read")
              .setRequestMarshaller(RAW)
              .setResponseMarshaller(RAW)
              .build();
      // grpc-java's deframer refuses it ("Exception processing message", WARNING, stack trace).
      byte[] tooLarge =
          new byte
              [EventStoreDoorConfig.plaintext("127.0.0.1", 0, dir.resolve("tls"))
                      .maxInboundMessageBytes()
                  + 1];
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
                              channel, read, io.grpc.CallOptions.DEFAULT, tooLarge)
                          .hasNext())
              .isInstanceOf(StatusRuntimeException.class);
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        loggers.forEach(l -> l.removeHandler(capture));
      }
      assertThat(warnings).isEmpty();
      assertThat(protocolErrors).hasValueGreaterThanOrEqualTo(5);
    }
  }
}
