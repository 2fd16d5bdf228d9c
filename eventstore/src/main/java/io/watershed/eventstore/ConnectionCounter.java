package io.watershed.eventstore;

import io.grpc.Attributes;
import io.grpc.ServerTransportFilter;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the open client connections (HTTP/2 transports) of the door. */
final class ConnectionCounter extends ServerTransportFilter {
  private static final Attributes.Key<Boolean> READY = Attributes.Key.create("watershed.ready");

  private final AtomicInteger open = new AtomicInteger();

  @Override
  public Attributes transportReady(Attributes attributes) {
    open.incrementAndGet();
    return attributes.toBuilder().set(READY, Boolean.TRUE).build();
  }

  @Override
  public void transportTerminated(Attributes attributes) {
    // Called for transports that never became ready too; those were not counted.
    if (attributes != null && attributes.get(READY) != null) {
      open.decrementAndGet();
    }
  }

  int open() {
    return open.get();
  }
}
