package io.watershed.kinesis;

import io.netty.channel.Channel;

/**
 * The body of an operation answered with an AWS event stream (SubscribeToShard): once the door has
 * written the 200 response headers, {@link #start} writes the frames, as {@code HttpContent}, and
 * ends with a {@code LastHttpContent}.
 */
public interface EventStream {
  /** Starts writing to {@code channel}; called on its event loop, must not block. */
  void start(Channel channel);
}
