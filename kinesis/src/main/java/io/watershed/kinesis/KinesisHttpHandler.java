package io.watershed.kinesis;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpUtil;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the aggregated requests of one HTTP/1.1 connection or one HTTP/2 stream. Responses
 * complete off the event loop in any order but are written in request order, as HTTP/1.1 pipelining
 * requires. All state is touched on the channel's event loop only.
 */
final class KinesisHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisHttpHandler.class);

  private record Ready(FullHttpResponse response, boolean keepAlive) {}

  private final KinesisDispatcher dispatcher;
  private final Map<Long, Ready> ready = new HashMap<>();
  private long nextSeq;
  private long nextToWrite;
  private boolean closing;

  private final boolean http2;

  /**
   * @param http2 whether this handler serves one HTTP/2 stream (where event-stream operations are
   *     answered) rather than an HTTP/1.1 connection
   */
  KinesisHttpHandler(KinesisDispatcher dispatcher, boolean http2) {
    this.dispatcher = dispatcher;
    this.http2 = http2;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    long seq = nextSeq++;
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    if (http2 && dispatcher.isStreaming(request)) {
      dispatcher
          .openStream(request)
          .whenComplete(
              (opened, err) ->
                  ctx.executor()
                      .execute(
                          () -> {
                            if (opened.error() != null) {
                              complete(ctx, seq, opened.error(), keepAlive);
                            } else {
                              nextToWrite++;
                              ctx.writeAndFlush(KinesisDispatcher.eventStreamHeaders());
                              opened.stream().start(ctx.channel());
                            }
                          }));
      return;
    }
    dispatcher
        .dispatch(request, ctx.executor())
        .whenComplete(
            (response, err) -> {
              if (ctx.executor().inEventLoop()) {
                complete(ctx, seq, response, keepAlive);
              } else {
                ctx.executor().execute(() -> complete(ctx, seq, response, keepAlive));
              }
            });
  }

  private void complete(
      ChannelHandlerContext ctx, long seq, FullHttpResponse response, boolean keepAlive) {
    ready.put(seq, new Ready(response, keepAlive));
    while (!closing && ready.containsKey(nextToWrite)) {
      Ready r = ready.remove(nextToWrite++);
      if (!r.keepAlive) {
        r.response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        closing = true;
        ctx.writeAndFlush(r.response).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(r.response);
      }
    }
    if (closing) {
      ready.values().forEach(r -> r.response.release());
      ready.clear();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closing = true;
    ready.values().forEach(r -> r.response.release());
    ready.clear();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Kinesis connection {} failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
