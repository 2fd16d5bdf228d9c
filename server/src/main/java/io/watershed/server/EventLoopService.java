package io.watershed.server;

import io.watershed.core.net.EventLoops;

/**
 * The event loops the Netty front doors (Kafka, Kinesis, HTTP) share: started first and so closed
 * last, after every door has closed its listeners and connections. The event-store door is not
 * among them: grpc-java brings its own shaded copy of Netty, whose channels cannot run on these
 * loops.
 */
public final class EventLoopService implements Service {
  private volatile EventLoops loops;

  @Override
  public String name() {
    return "event-loops";
  }

  @Override
  public void start() {
    // One worker per core for all the doors together; their threads start with the first channel.
    loops = EventLoops.open("netty", 0);
  }

  /** The loops; valid between {@link #start()} and {@link #close()}. */
  public EventLoops loops() {
    EventLoops l = loops;
    if (l == null) {
      throw new IllegalStateException("the event loops are not started");
    }
    return l;
  }

  @Override
  public void close() {
    EventLoops l = loops;
    if (l != null) {
      l.close();
      loops = null;
    }
  }
}
