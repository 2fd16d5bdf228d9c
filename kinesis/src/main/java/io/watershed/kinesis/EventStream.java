package io.watershed.kinesis;

import io.netty.channel.Channel;

/**
 * The body of an operation answered with an AWS event stream (SubscribeToShard): once the door has
 * written the 200 response headers, {@link #start} writes the frames, as {@code HttpContent}
 * (HTTP/2 DATA frames, or HTTP/1.1 chunks), and ends with a {@code LastHttpContent}.
 */
public interface EventStream {
  /**
   * Starts writing to {@code channel}; called on its event loop, must not block.
   *
   * @param onEnd run once the stream has written its last content (or the channel closed), so that
   *     the connection can serve what follows
   */
  void start(Channel channel, Runnable onEnd);
}
