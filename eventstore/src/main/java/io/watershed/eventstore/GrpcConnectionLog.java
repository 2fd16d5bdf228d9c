package io.watershed.eventstore;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.watershed.core.metrics.RequestObserver;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Takes over the java.util.logging logger on which grpc-java's Netty transport reports every
 * connection it gives up on ({@code NettyServerTransport.connections}: "Transport failed" at INFO
 * with a stack trace, one per bad connection, which let any client grow the log at will). Its
 * records go to the {@link ConnectionErrors} of the door whose event-loop thread logged them (each
 * door runs its own event loops, whose threads name their door through {@link #OWNER}), and no
 * longer to the console. Records from threads of no door (another gRPC server in the same JVM) go
 * to a shared {@link ConnectionErrors} that counts nowhere.
 *
 * <p>The logger is the documented one for connection-level failures; its name is derived from the
 * package of the shaded transport so that it follows grpc-java's shading.
 */
final class GrpcConnectionLog extends Handler {
  static final String LOGGER =
      NettyServerBuilder.class.getPackageName() + ".NettyServerTransport.connections";

  /** The door whose event loop runs on this thread, if any; set once when the thread starts. */
  static final ThreadLocal<ConnectionErrors> OWNER = new ThreadLocal<>();

  private static final ConnectionErrors NO_DOOR = new ConnectionErrors(() -> RequestObserver.NONE);

  /** Held strongly: java.util.logging forgets the configuration of loggers no one references. */
  private static Logger taken;

  private GrpcConnectionLog() {
    setLevel(Level.ALL);
  }

  /** Takes the logger over, once per JVM. */
  static synchronized void install() {
    if (taken != null) {
      return;
    }
    Logger logger = Logger.getLogger(LOGGER);
    logger.setUseParentHandlers(false);
    logger.addHandler(new GrpcConnectionLog());
    taken = logger;
  }

  @Override
  public void publish(LogRecord record) {
    ConnectionErrors owner = OWNER.get();
    (owner != null ? owner : NO_DOOR).transportFailed(record.getThrown());
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
