package io.watershed.kinesis;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.watershed.core.metrics.RequestObserver;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the aggregated requests of one HTTP/1.1 connection or one HTTP/2 stream. Responses
 * complete off the event loop in any order but are written in request order, as HTTP/1.1 pipelining
 * requires. An event stream (SubscribeToShard) is written when its turn comes — chunked over
 * HTTP/1.1, as boto3 calls it, or as DATA frames over HTTP/2, as the Java SDK does — and holds back
 * the responses after it until it ends. All state is touched on the channel's event loop only.
 */
final class KinesisHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisHttpHandler.class);

  /**
   * A response ready to be written: a whole one, or an event stream to start; with the operation
   * and the time its request arrived, for the request observer.
   */
  private record Ready(
      FullHttpResponse response,
      EventStream stream,
      HttpHeaders asked,
      boolean keepAlive,
      String operation,
      long receivedNanos) {
    void release() {
      if (response != null) {
        response.release();
      }
    }
  }

  private final KinesisDispatcher dispatcher;
  private final boolean http2;
  private final RequestObserver observer;
  private final Map<Long, Ready> ready = new HashMap<>();
  private long nextSeq;
  private long nextToWrite;
  private boolean closing;
  private boolean streaming;

  /**
   * @param http2 whether this handler serves one HTTP/2 stream rather than an HTTP/1.1 connection
   * @param observer told about every answered request (a subscription once it has ended)
   */
  KinesisHttpHandler(KinesisDispatcher dispatcher, boolean http2, RequestObserver observer) {
    this.dispatcher = dispatcher;
    this.http2 = http2;
    this.observer = observer;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    long received = System.nanoTime();
    long seq = nextSeq++;
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String operation = dispatcher.operationOf(request);
    if (request.decoderResult().isFailure()) {
      // Netty's HTTP/1.1 decoder discards every byte after a message it could not decode, so the
      // connection can answer nothing more: answer this one and close, or the client would wait
      // forever for the answers to its next requests.
      observer.protocolError();
      complete(
          ctx,
          seq,
          new Ready(
              KinesisDispatcher.malformedHttp(request.decoderResult().cause()),
              null,
              null,
              false,
              operation,
              received));
      return;
    }
    if (dispatcher.isStreaming(request)) {
      dispatcher
          .openStream(request)
          .whenComplete(
              (opened, err) ->
                  onLoop(
                      ctx,
                      () ->
                          complete(
                              ctx,
                              seq,
                              new Ready(
                                  opened.error(),
                                  opened.stream(),
                                  request.headers(),
                                  keepAlive,
                                  operation,
                                  received))));
      return;
    }
    dispatcher
        .dispatch(request, ctx.executor())
        .whenComplete(
            (response, err) ->
                onLoop(
                    ctx,
                    () ->
                        complete(
                            ctx,
                            seq,
                            new Ready(response, null, null, keepAlive, operation, received))));
  }

  private static void onLoop(ChannelHandlerContext ctx, Runnable r) {
    if (ctx.executor().inEventLoop()) {
      r.run();
    } else {
      ctx.executor().execute(r);
    }
  }

  private void complete(ChannelHandlerContext ctx, long seq, Ready r) {
    ready.put(seq, r);
    drain(ctx);
  }

  private void drain(ChannelHandlerContext ctx) {
    while (!closing && !streaming && ready.containsKey(nextToWrite)) {
      Ready r = ready.remove(nextToWrite++);
      if (r.stream() != null) {
        startStream(ctx, r);
        continue;
      }
      observer.completed(
          r.operation(),
          System.nanoTime() - r.receivedNanos(),
          r.response().status().code() != HttpResponseStatus.OK.code());
      if (!r.keepAlive()) {
        r.response().headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        closing = true;
        ctx.writeAndFlush(r.response()).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(r.response());
      }
    }
    if (closing) {
      ready.values().forEach(Ready::release);
      ready.clear();
    }
  }

  private void startStream(ChannelHandlerContext ctx, Ready r) {
    HttpResponse headers = KinesisDispatcher.eventStreamHeaders(r.asked());
    if (!http2) {
      HttpUtil.setTransferEncodingChunked(headers, true);
    }
    streaming = true;
    ctx.writeAndFlush(headers);
    r.stream()
        .start(
            ctx.channel(),
            () ->
                onLoop(
                    ctx,
                    () -> {
                      observer.completed(
                          r.operation(), System.nanoTime() - r.receivedNanos(), false);
                      streaming = false;
                      if (!r.keepAlive()) {
                        closing = true;
                        ctx.close();
                      }
                      drain(ctx);
                    }));
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closing = true;
    ready.values().forEach(Ready::release);
    ready.clear();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("Kinesis connection {} failed: {}", ctx.channel(), cause.toString());
    ctx.close();
  }
}
