package io.watershed.kinesis;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.watershed.core.metrics.RequestObserver;

/**
 * Aggregates each request whole, as {@link HttpObjectAggregator} does, and tells the request
 * observer of every request it refuses as larger than the limit: Netty answers those with 413
 * itself, before any handler of ours sees them, and they would otherwise be missing from the
 * request and error counts.
 */
final class ObservedAggregator extends HttpObjectAggregator {
  private final KinesisDispatcher dispatcher;
  private final RequestObserver observer;

  ObservedAggregator(int maxBytes, KinesisDispatcher dispatcher, RequestObserver observer) {
    super(maxBytes);
    this.dispatcher = dispatcher;
    this.observer = observer;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
      throws Exception {
    observer.completed(dispatcher.operationOf(oversized.headers()), 0, true);
    super.handleOversizedMessage(ctx, oversized);
  }
}
