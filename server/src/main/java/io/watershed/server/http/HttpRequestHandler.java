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
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.watershed.core.metrics.RequestObserver;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per connection: turns aggregated requests into {@link Request}s, dispatches them through the
 * {@link Router} and writes the responses in request order (handlers may complete out of order when
 * requests are pipelined).
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRequestHandler.class);

  private final Router router;
  private final RequestObserver observer;

  /** Completes when the previous response on this connection has been handed to Netty. */
  private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

  HttpRequestHandler(Router router, RequestObserver observer) {
    this.router = router;
    this.observer = observer;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
    if (!msg.decoderResult().isSuccess()) {
      Response bad =
          Response.error(
              HttpResponseStatus.BAD_REQUEST,
              "malformed request: " + msg.decoderResult().cause().getMessage());
      previous = previous.thenRun(() -> write(ctx, bad, false, true));
      return;
    }
    long started = System.nanoTime();
    Request request = Request.of(msg);
    String[] route = {Router.NO_ROUTE};
    CompletableFuture<Response> answer = dispatch(request, route);
    boolean head = request.method().equals(HttpMethod.HEAD);
    previous =
        previous.thenCompose(
            ignored ->
                answer.handle(
                    (response, error) -> {
                      if (error == null && response == null) {
                        error = new NullPointerException("handler returned no response");
                      }
                      Response out = error == null ? response : failure(request, error);
                      write(ctx, out, head, false);
                      observer.completed(
                          route[0], System.nanoTime() - started, out.status().code() >= 400);
                      return null;
                    }));
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

  private static void writeResponse(
      ChannelHandlerContext ctx, Response response, boolean head, boolean close) {
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
