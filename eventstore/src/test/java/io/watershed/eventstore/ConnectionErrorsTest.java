package io.watershed.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.watershed.core.metrics.RequestObserver;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConnectionErrorsTest {
  final AtomicLong now = new AtomicLong();
  final AtomicLong counted = new AtomicLong();
  final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  ConnectionErrors errors;

  @BeforeEach
  void setUp() {
    Logger log = (Logger) LoggerFactory.getLogger("ConnectionErrorsTest");
    log.setAdditive(false);
    lines.start();
    log.addAppender(lines);
    RequestObserver observer =
        new RequestObserver() {
          @Override
          public void completed(String api, long nanos, boolean failed) {}

          @Override
          public void protocolError() {
            counted.incrementAndGet();
          }
        };
    errors = new ConnectionErrors(() -> observer, now::get, log);
  }

  @Test
  void everyErrorCountsAndAFewLinesAMinuteAreLoggedThenTheLeftOutOnesAreSaid() {
    for (int i = 0; i < 1000; i++) {
      errors.protocolError("bad input " + i);
    }
    assertThat(counted).hasValue(1000);
    assertThat(lines.list).hasSize(ConnectionErrors.LINES_PER_WINDOW);
    assertThat(lines.list.get(0).getFormattedMessage()).isEqualTo("Event-store door: bad input 0");

    now.addAndGet(ConnectionErrors.WINDOW.toNanos() - 1);
    errors.protocolError("still in the window");
    assertThat(lines.list).hasSize(ConnectionErrors.LINES_PER_WINDOW);

    now.addAndGet(1);
    errors.protocolError("next window");
    assertThat(lines.list.getLast().getFormattedMessage())
        .isEqualTo(
            "Event-store door: next window (and 996 earlier connection errors not logged: at most"
                + " 5 lines a minute)");
    errors.protocolError("again");
    assertThat(lines.list.getLast().getFormattedMessage()).isEqualTo("Event-store door: again");
  }

  @Test
  void transportFailuresAreProtocolErrorsNetworkDropsOrServerErrors() {
    errors.transportFailed(
        Http2Exception.connectionError(
            Http2Error.FRAME_SIZE_ERROR, "Frame length: %d exceeds maximum", 99999999));
    assertThat(counted).hasValue(1);
    assertThat(lines.list.getLast().getFormattedMessage())
        .isEqualTo(
            "Event-store door: closed a connection for a protocol error: HTTP/2 FRAME_SIZE_ERROR:"
                + " Frame length: 99999999 exceeds maximum");
    assertThat(lines.list.getLast().getThrowableProxy()).isNull();

    errors.transportFailed(new IOException("Connection reset by peer"));
    assertThat(lines.list).hasSize(1);

    errors.transportFailed(new IllegalStateException("a bug"));
    assertThat(counted).hasValue(1);
    assertThat(lines.list.getLast().getLevel().toString()).isEqualTo("WARN");
    assertThat(lines.list.getLast().getThrowableProxy().getMessage()).isEqualTo("a bug");
  }

  @Test
  void clientTextIsQuotedOnOneShortLine() {
    assertThat(ConnectionErrors.quote("a\r\nb\u0000c")).isEqualTo("a..b.c");
    assertThat(ConnectionErrors.quote("x".repeat(500)))
        .hasSize(ConnectionErrors.MAX_QUOTED_CHARS + 1)
        .endsWith("…");
  }

  @Test
  void aFloodOfBadInputCannotHideServerErrors() {
    for (int i = 0; i < 100; i++) {
      errors.protocolError("bad input " + i);
    }
    errors.transportFailed(new IllegalStateException("a bug"));
    assertThat(lines.list).hasSize(ConnectionErrors.LINES_PER_WINDOW + 1);
    assertThat(lines.list.getLast().getThrowableProxy().getMessage()).isEqualTo("a bug");
  }
}
