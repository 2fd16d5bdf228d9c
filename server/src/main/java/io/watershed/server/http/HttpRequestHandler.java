package io.watershed.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.watershed.core.metrics.RequestObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: turns aggregated requests into {@link Request}s, dispatches them through the
 * {@link Router} and writes the responses in request order (handlers may complete out of order when
 * requests are pipelined). Every request gets an answer, in the admin API's JSON error form when it
 * is refused: a URL that cannot be decoded 400 (the connection goes on), a request the codec could
 * not parse 400/414/431 and an HTTP version other than 1.x 505 (both closing the connection, whose
 * framing is lost), a body over the limit 413.
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRequestHandler.class);

  private final Router router;
  private final RequestObserver observer;

  /**
   * Completes when the previous response on this connection has been handed to Netty. Every write
   * runs on the connection's event loop: a write from another thread is queued to the loop, and a
   * later answer written on the loop directly would overtake it.
   */
  private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

  /**
   * Set once an answer that closes the connection is queued: what the client sent after it is
   * ignored (it would be answered on a closing connection and counted twice).
   */
  private boolean closing;

  HttpRequestHandler(Router router, RequestObserver observer) {
    this.router = router;
    this.observer = observer;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
    if (closing) {
      return;
    }
    long started = System.nanoTime();
    boolean head = msg.method().equals(HttpMethod.HEAD);
    if (!msg.decoderResult().isSuccess()) {
      refuseUndecodable(ctx, msg, head, started);
      return;
    }
    if (msg.protocolVersion().majorVersion() != 1) {
      // HTTP/2 with prior knowledge ("PRI * HTTP/2.0") or a version from nowhere: what follows
      // cannot be framed as HTTP/1, so answer once and close.
      observer.protocolError();
      answerInOrder(
          ctx,
          Response.error(
              HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
              "this port speaks HTTP/1.1 and HTTP/1.0, not " + msg.protocolVersion().text()),
          head,
          true);
      return;
    }
    Request request;
    try {
      request = Request.of(msg);
    } catch (RequestTarget.MalformedTargetException e) {
      // The request was framed correctly, so the connection goes on.
      answerInOrder(
              ctx, Response.error(HttpResponseStatus.BAD_REQUEST, e.getMessage()), head, false)
          .thenRun(() -> observer.completed(Router.NO_ROUTE, System.nanoTime() - started, true));
      return;
    }
    String[] route = {Router.NO_ROUTE};
    CompletableFuture<Response> answer = dispatch(request, route);
    previous =
        previous.thenCompose(
            ignored ->
                answer.handleAsync(
                    (response, error) -> {
                      if (error == null && response == null) {
                        error = new NullPointerException("handler returned no response");
                      }
                      Response out = error == null ? response : failure(request, error);
                      write(ctx, out, head, false);
                      observer.completed(
                          route[0], System.nanoTime() - started, out.status().code() >= 400);
                      return null;
                    },
                    ctx.executor()));
  }

  /**
   * Answers a request the codec could not decode: too long a request line (414) or header block
   * (431), a body over the limit (413, see {@link RequestAggregator}), anything else malformed
   * (400). Only a body over the limit leaves the rest of the stream framed; otherwise the
   * connection is closed after the answer.
   */
  private void refuseUndecodable(
      ChannelHandlerContext ctx, FullHttpRequest msg, boolean head, long started) {
    Throwable cause = msg.decoderResult().cause();
    if (cause instanceof TooLongHttpContentException) {
      answerInOrder(
              ctx,
              Response.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, cause.getMessage()),
              head,
              !HttpUtil.isKeepAlive(msg))
          .thenRun(() -> observer.completed(Router.NO_ROUTE, System.nanoTime() - started, true));
      return;
    }
    HttpResponseStatus status =
        switch (cause) {
          case TooLongHttpLineException e -> HttpResponseStatus.REQUEST_URI_TOO_LONG;
          case TooLongHttpHeaderException e -> HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
          default -> HttpResponseStatus.BAD_REQUEST;
        };
    observer.protocolError();
    answerInOrder(
        ctx, Response.error(status, "malformed request: " + cause.getMessage()), head, true);
  }

  /** Writes {@code response} after the answers to the requests before it on this connection. */
  private CompletableFuture<Void> answerInOrder(
      ChannelHandlerContext ctx, Response response, boolean head, boolean close) {
    closing |= close;
    previous = previous.thenRunAsync(() -> write(ctx, response, head, close), ctx.executor());
    return previous;
  }

  private CompletableFuture<Response> dispatch(Request request, String[] route) {
    try {
      return router.dispatch(request, template -> route[0] = template).toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static Response failure(Request request, Throwable error) {
    log.warn("{} {} failed: {}", request.method(), request.path(), error.toString(), error);
    return Response.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
  }

  /** Writes one response; never throws, so that the response chain of the connection goes on. */
  private static void write(
      ChannelHandlerContext ctx, Response response, boolean head, boolean close) {
    try {
      writeResponse(ctx, response, head, close);
    } catch (RuntimeException e) {
      log.warn("cannot write HTTP response: {}", e.toString(), e);
      ctx.close();
    }
  }

  /** {@code response} as Netty writes it; for a HEAD request without its body. */
  static FullHttpResponse nettyResponse(Response response, boolean head) {
    FullHttpResponse out =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            response.status(),
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
    out.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, response.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    for (Map.Entry<String, String> h : response.headers().entrySet()) {
      out.headers().set(h.getKey(), h.getValue());
    }
    return out;
  }

  private static void writeResponse(
      ChannelHandlerContext ctx, Response response, boolean head, boolean close) {
    FullHttpResponse out = nettyResponse(response, head);
    if (close) {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(out);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
