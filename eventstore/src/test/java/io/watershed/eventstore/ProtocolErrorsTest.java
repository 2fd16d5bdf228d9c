package io.watershed.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.ReadStreamOptions;
import io.watershed.core.metrics.RequestObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Garbage on the gRPC port, as a scanner or a misconfigured client sends it: every connection is
 * counted as a protocol error, the log grows by a few lines at most, without stack traces, and the
 * official client is served as before.
 */
class ProtocolErrorsTest {
  /** Inputs of each kind sent. */
  static final int EACH = 400;

  @TempDir Path dir;
  DoorFixture f;
  final AtomicLong protocolErrors = new AtomicLong();
  final RequestObserver countingProtocolErrors =
      new RequestObserver() {
        @Override
        public void completed(String api, long nanos, boolean failed) {}

        @Override
        public void protocolError() {
          protocolErrors.incrementAndGet();
        }
      };
  final ListAppender<ILoggingEvent> slf4j = new ListAppender<>();
  final List<LogRecord> jul = new ArrayList<>();
  final Handler julCapture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          synchronized (jul) {
            jul.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @BeforeEach
  void open() throws Exception {
    f = new DoorFixture(dir);
    f.door.observeRequests(countingProtocolErrors);
    slf4j.start();
    root().addAppender(slf4j);
    java.util.logging.Logger.getLogger("").addHandler(julCapture);
  }

  @AfterEach
  void close() throws Exception {
    root().detachAppender(slf4j);
    java.util.logging.Logger.getLogger("").removeHandler(julCapture);
    f.close();
  }

  /** Connects, sends {@code bytes}, and waits for the server to close the connection. */
  private void send(byte[] bytes) throws IOException {
    try (Socket s = new Socket("127.0.0.1", f.door.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(bytes);
      out.flush();
      byte[] sink = new byte[4096];
      while (s.getInputStream().read(sink) >= 0) {
        // what the server says before closing (grpc-java: SETTINGS and GOAWAY) does not matter
      }
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * Waits for the count: grpc-java reports a connection it failed once the connection has closed,
   * which the client may see first.
   */
  private void awaitProtocolErrors(long expected) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (protocolErrors.get() < expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(protocolErrors).hasValue(expected);
  }

  private List<ILoggingEvent> linesAtInfoOrAbove() {
    synchronized (slf4j.list) {
      return slf4j.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList();
    }
  }

  @Test
  void garbageIsCountedAndLoggedAFewLinesAMinuteWithoutStackTraces() throws Exception {
    Random random = new Random(11);
    byte[] tlsHello = HexFormat.of().parseHex("16030100a5010000a10303");
    byte[] preface = PrefaceGuard.HTTP2_PREFACE;
    // A valid preface followed by a frame that is not SETTINGS: gets past the guard, so that it is
    // grpc-java that fails the connection (and logs it, as the door now has it logged).
    byte[] notSettings = new byte[preface.length + 9];
    System.arraycopy(preface, 0, notSettings, 0, preface.length);
    notSettings[preface.length + 3] = 0x08; // WINDOW_UPDATE, length 0, stream 0
    int sent = 0;
    for (int i = 0; i < EACH; i++) {
      send(ascii("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n"));
      send(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
      send(tlsHello);
      byte[] noise = new byte[1 + random.nextInt(200)];
      random.nextBytes(noise);
      noise[0] = (byte) (noise[0] == 'P' ? 'Q' : noise[0]);
      send(noise);
      send(notSettings);
      sent += 5;
    }
    awaitProtocolErrors(sent);

    List<ILoggingEvent> lines = linesAtInfoOrAbove();
    assertThat(lines)
        .as("log lines for %d bad connections: %s", sent, lines)
        .hasSizeLessThanOrEqualTo(ConnectionErrors.LINES_PER_WINDOW);
    assertThat(lines).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
    assertThat(lines.get(0).getFormattedMessage())
        .startsWith("Event-store door: closed a connection from 127.0.0.1:")
        .endsWith("that began with 'PRI * HTTP/2.0'; this port speaks gRPC (HTTP/2) in plaintext");
    synchronized (jul) {
      assertThat(jul).as("grpc-java's own log records").isEmpty();
    }

    // The official client is served as before.
    f.client
        .appendToStream("after-garbage", EventData.builderAsJson("T", "{}".getBytes()).build())
        .get();
    assertThat(f.client.readStream("after-garbage", ReadStreamOptions.get()).get().getEvents())
        .hasSize(1);
    assertThat(protocolErrors).hasValue(sent);
  }

  @Test
  void eachKindOfGarbageIsDescribed() throws Exception {
    send(HexFormat.of().parseHex("16030100a5010000a10303"));
    send(ascii("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
    send(new byte[] {1, 2, 3, (byte) 0xff});
    List<String> lines =
        linesAtInfoOrAbove().stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("began with a TLS handshake (a client with tls=true)");
    assertThat(lines.get(1)).contains("began with 'GET /health HTTP/1.1'");
    assertThat(lines.get(2)).contains("began with bytes 0x010203ff");
  }

  @Test
  void aTlsPortDropsPlaintextAndServesTlsClients() throws Exception {
    f.close();
    Path tlsDir = dir.resolve("with-tls");
    f =
        new DoorFixture(
            tlsDir,
            new EventStoreDoorConfig(
                "127.0.0.1",
                0,
                "localhost",
                true,
                null,
                null,
                tlsDir.resolve("tls"),
                1 << 20,
                EventStoreDoorConfig.SERVER_VERSION),
            "tls=true&tlsVerifyCert=false");
    f.door.observeRequests(countingProtocolErrors);
    send(PrefaceGuard.HTTP2_PREFACE);
    awaitProtocolErrors(1);
    assertThat(linesAtInfoOrAbove().getLast().getFormattedMessage())
        .contains("began with a plaintext HTTP/2 preface (a client with tls=false)")
        .endsWith("this port speaks gRPC over TLS");

    f.client
        .appendToStream("over-tls", EventData.builderAsJson("T", "{}".getBytes()).build())
        .get();
    assertThat(f.client.readStream("over-tls", ReadStreamOptions.get()).get().getEvents())
        .hasSize(1);
  }
}
