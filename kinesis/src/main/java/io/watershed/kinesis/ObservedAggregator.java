package io.watershed.kinesis;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpContentException;

/**
 * Aggregates each request whole, as {@link HttpObjectAggregator} does, except that a request over
 * the limit is not answered here: Netty would write its bare 413 at once, ahead of the answers
 * still due to the requests pipelined before it, and an HTTP/1.1 client pairs answers with requests
 * by their order. It is handed on instead as a bodiless request whose decoder result is a {@link
 * TooLongHttpContentException}; {@link KinesisHttpHandler} answers it 413 in its turn (counted
 * there) and closes the connection.
 */
final class ObservedAggregator extends HttpObjectAggregator {
  ObservedAggregator(int maxBytes) {
    super(maxBytes);
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
    refused.setDecoderResult(
        DecoderResult.failure(
            new TooLongHttpContentException(
                "the request body is larger than " + maxContentLength() + " bytes")));
    ctx.fireChannelRead(refused);
  }
}
