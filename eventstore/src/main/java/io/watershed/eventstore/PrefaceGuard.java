package io.watershed.eventstore;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.codec.ByteToMessageDecoder;
import io.grpc.netty.shaded.io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every connection of the door: checks that the connection begins as the
 * port's protocol does, before grpc-java sees a byte, and drops it at once when it does not —
 * counted and logged once, rate limited, by {@link ConnectionErrors} (grpc-java would log each with
 * a stack trace at INFO). A plaintext port expects the HTTP/2 client connection preface; a TLS port
 * a TLS handshake record. As soon as the expected bytes have arrived the guard takes itself out of
 * the pipeline and hands them on untouched.
 *
 * <p>RFC 9113 §3.4: an invalid preface is a connection error; the GOAWAY frame may be left out,
 * since the peer is not using HTTP/2. So the connection is just closed.
 */
final class PrefaceGuard extends ByteToMessageDecoder {
  /** RFC 9113 §3.4: what every HTTP/2 client sends first. */
  static final byte[] HTTP2_PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** A TLS record of type handshake (22) of TLS 1.x or SSL 3 (major version 3). */
  static final byte[] TLS_HANDSHAKE = {22, 3};

  /** How many of the first bytes a log line shows: as text (a request line), in hex. */
  static final int SHOWN_TEXT = 48;

  static final int SHOWN_HEX = 16;

  /** How long a new connection has to send the preface (or begin its TLS handshake). */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final boolean tls;
  private final ConnectionErrors errors;
  private final Duration timeout;
  private ScheduledFuture<?> deadline;

  PrefaceGuard(boolean tls, ConnectionErrors errors, Duration timeout) {
    this.tls = tls;
    this.errors = errors;
    this.timeout = timeout;
  }

  /**
   * A handler for the listening channel's pipeline that puts a guard first in the pipeline of each
   * connection it accepts (before the server bootstrap adds grpc-java's handlers).
   */
  @ChannelHandler.Sharable
  static final class Installer extends ChannelInboundHandlerAdapter {
    private final boolean tls;
    private final ConnectionErrors errors;

    Installer(boolean tls, ConnectionErrors errors) {
      this.tls = tls;
      this.errors = errors;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel accepted) {
        accepted
            .pipeline()
            .addFirst("watershed-preface-guard", new PrefaceGuard(tls, errors, TIMEOUT));
      }
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    deadline =
        ctx.executor()
            .schedule(
                () -> {
                  if (!ctx.channel().isActive()) {
                    return;
                  }
                  errors.protocolError(
                      "closed a connection from "
                          + address(ctx.channel())
                          + " that sent no "
                          + (tls ? "TLS handshake" : "HTTP/2 preface")
                          + " within "
                          + (timeout.toMillis() % 1000 == 0
                              ? timeout.toSeconds() + " s"
                              : timeout.toMillis() + " ms"));
                  ctx.close();
                },
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
    super.channelActive(ctx);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    byte[] expected = tls ? TLS_HANDSHAKE : HTTP2_PREFACE;
    int n = Math.min(in.readableBytes(), expected.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != expected[i]) {
        errors.protocolError(
            "closed a connection from "
                + address(ctx.channel())
                + " that began with "
                + describe(in)
                + (tls
                    ? "; this port speaks gRPC over TLS"
                    : "; this port speaks gRPC (HTTP/2) in plaintext"));
        in.skipBytes(in.readableBytes());
        ctx.close();
        return;
      }
    }
    if (n == expected.length) {
      // ByteToMessageDecoder hands what it holds to the next handler as it is removed.
      ctx.pipeline().remove(this);
    }
  }

  private static String address(Channel channel) {
    String a = String.valueOf(channel.remoteAddress());
    return a.startsWith("/") ? a.substring(1) : a;
  }

  /** What the client sent, in words where it is recognisable. */
  private String describe(ByteBuf in) {
    int at = in.readerIndex();
    int available = in.readableBytes();
    if (!tls && available >= 2 && in.getByte(at) == 22 && in.getByte(at + 1) == 3) {
      return "a TLS handshake (a client with tls=true)";
    }
    if (tls && startsWith(in, HTTP2_PREFACE)) {
      return "a plaintext HTTP/2 preface (a client with tls=false)";
    }
    int shown = Math.min(available, SHOWN_TEXT);
    boolean text = true;
    for (int i = 0; i < shown && text; i++) {
      byte b = in.getByte(at + i);
      text = (b >= 0x20 && b < 0x7f) || b == '\r' || b == '\n';
    }
    if (text) {
      String start = in.toString(at, shown, StandardCharsets.US_ASCII);
      int eol = start.indexOf('\r');
      return "'"
          + ConnectionErrors.quote(eol >= 0 ? start.substring(0, eol) : start)
          + (eol < 0 && available > shown ? "…'" : "'");
    }
    shown = Math.min(available, SHOWN_HEX);
    StringBuilder hex = new StringBuilder("bytes 0x");
    for (int i = 0; i < shown; i++) {
      hex.append(String.format("%02x", in.getByte(at + i)));
    }
    return hex.append(available > shown ? "…" : "").toString();
  }

  private static boolean startsWith(ByteBuf in, byte[] prefix) {
    int n = Math.min(in.readableBytes(), prefix.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != prefix[i]) {
        return false;
      }
    }
    return n > 0;
  }
}
