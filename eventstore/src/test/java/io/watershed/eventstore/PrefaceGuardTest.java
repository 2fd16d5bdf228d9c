package io.watershed.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.embedded.EmbeddedChannel;
import io.watershed.core.metrics.RequestObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PrefaceGuardTest {
  static final Duration SHORT = Duration.ofMillis(50);

  final AtomicLong counted = new AtomicLong();
  final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  ConnectionErrors errors;

  @BeforeEach
  void setUp() {
    Logger log = (Logger) LoggerFactory.getLogger("PrefaceGuardTest");
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
    errors = new ConnectionErrors(() -> observer, System::nanoTime, log);
  }

  private static void waitPast(EmbeddedChannel channel, Duration timeout) throws Exception {
    Thread.sleep(timeout.toMillis() + 20);
    channel.runScheduledPendingTasks();
  }

  @Test
  void thePrefaceInPiecesIsHandedOnWhole() throws Exception {
    EmbeddedChannel channel = new EmbeddedChannel(new PrefaceGuard(false, errors, SHORT));
    byte[] preface = PrefaceGuard.HTTP2_PREFACE;
    byte[] settings = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(preface, 5)));
    assertThat(channel.<ByteBuf>readInbound()).isNull();
    ByteBuf rest = Unpooled.buffer();
    rest.writeBytes(preface, 5, preface.length - 5).writeBytes(settings);
    channel.writeInbound(rest);
    ByteBuf handedOn = channel.readInbound();
    byte[] got = new byte[handedOn.readableBytes()];
    handedOn.readBytes(got).release();
    assertThat(got).hasSize(preface.length + settings.length).startsWith(preface);
    assertThat(channel.pipeline().get(PrefaceGuard.class)).isNull();

    waitPast(channel, SHORT);
    assertThat(channel.isOpen()).as("no deadline once the preface came").isTrue();
    assertThat(counted).hasValue(0);
    channel.finishAndReleaseAll();
  }

  @Test
  void aConnectionThatSendsNoPrefaceInTimeIsDropped() throws Exception {
    EmbeddedChannel silent = new EmbeddedChannel(new PrefaceGuard(false, errors, SHORT));
    EmbeddedChannel partial = new EmbeddedChannel(new PrefaceGuard(true, errors, SHORT));
    partial.writeInbound(Unpooled.wrappedBuffer(new byte[] {22}));
    waitPast(silent, SHORT);
    waitPast(partial, Duration.ZERO);
    assertThat(silent.isOpen()).isFalse();
    assertThat(partial.isOpen()).isFalse();
    assertThat(counted).hasValue(2);
    assertThat(lines.list.stream().map(ILoggingEvent::getFormattedMessage))
        .containsExactlyInAnyOrder(
            "Event-store door: closed a connection from embedded that sent no HTTP/2 preface"
                + " within 50 ms",
            "Event-store door: closed a connection from embedded that sent no TLS handshake"
                + " within 50 ms");
    assertThat(PrefaceGuard.TIMEOUT).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void theWrongFirstBytesAreDroppedAtOnce() {
    EmbeddedChannel channel = new EmbeddedChannel(new PrefaceGuard(false, errors, SHORT));
    channel.writeInbound(Unpooled.copiedBuffer("PRI * HTTP/1.1", StandardCharsets.US_ASCII));
    assertThat(channel.isOpen()).isFalse();
    assertThat(channel.<ByteBuf>readInbound()).isNull();
    assertThat(counted).hasValue(1);
  }
}
