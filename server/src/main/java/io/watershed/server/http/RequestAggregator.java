package io.watershed.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpContentException;

/**
 * Netty's aggregator, with its refusals in the admin API's JSON form and in request order:
 *
 * <ul>
 *   <li>a body over the limit is handed on as a request whose decoder result is a {@link
 *       TooLongHttpContentException}, so that {@link HttpRequestHandler} answers it 413 after the
 *       answers of requests before it (Netty would write its own bare 413 at once). When only the
 *       {@code Content-Length} was too large the connection stays open (the body is discarded as it
 *       arrives); once part of a body was taken in it is closed after the answer, as the request
 *       says {@code Connection: close};
 *   <li>the interim answers to {@code Expect} (413 for a body announced too large, 417 for an
 *       expectation other than {@code 100-continue}) are written by Netty at once, as they must be
 *       to a client waiting to send its body; only their body is replaced.
 * </ul>
 */
final class RequestAggregator extends HttpObjectAggregator {
  private final int maxBytes;

  RequestAggregator(int maxBytes) {
    super(maxBytes);
    this.maxBytes = maxBytes;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    if (!(oversized instanceof HttpRequest request)) {
      throw new IllegalStateException("a server aggregates requests only");
    }
    // Netty releases the oversized message itself after this returns; the copy carries no body.
    FullHttpRequest refused =
        new DefaultFullHttpRequest(
            request.protocolVersion(), request.method(), request.uri(), Unpooled.EMPTY_BUFFER);
    refused.headers().set(request.headers());
    boolean bodyStarted = oversized instanceof FullHttpMessage;
    if (bodyStarted || !HttpUtil.isKeepAlive(request)) {
      refused.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    refused.setDecoderResult(DecoderResult.failure(new TooLongHttpContentException(tooLarge())));
    ctx.fireChannelRead(refused);
  }

  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
    if (!(answer instanceof FullHttpResponse netty) || netty.status().code() < 400) {
      return answer;
    }
    String message =
        netty.status().equals(HttpResponseStatus.EXPECTATION_FAILED)
            ? "only 'Expect: 100-continue' is understood"
            : tooLarge();
    // Netty's own answers carry no header but Content-Length; whether to close after this one
    // Netty decides from its status (closeAfterContinueResponse).
    netty.release();
    return HttpRequestHandler.nettyResponse(Response.error(netty.status(), message), false);
  }

  private String tooLarge() {
    return "the request body is larger than " + maxBytes + " bytes";
  }
}
