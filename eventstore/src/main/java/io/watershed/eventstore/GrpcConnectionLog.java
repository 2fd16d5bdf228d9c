package io.watershed.eventstore;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.watershed.core.metrics.RequestObserver;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * The logger on which grpc-java reports a call's task that threw: when a request message does not
   * parse, the call is closed with INTERNAL and the parse failure is thrown on and logged at SEVERE
   * with its stack trace ("Exception while executing runnable ...MessagesAvailable"), once per bad
   * message.
   */
  static final String CALL_TASKS = "io.grpc.internal.SerializingExecutor";

  /** Held strongly, as {@link #taken}. */
  private static Logger callTasks;

  /**
   * The loggers on which grpc-java reports, at WARNING and with a stack trace, each stream a client
   * got wrong: an HTTP/2 stream error ("Stream Error"), a message that cannot be deframed
   * ("Exception processing message": a bad length prefix or compression flag, a stream that ends
   * mid-message), headers it cannot take ("Exception in onHeadersRead()", a missing {@code te:
   * trailers}), metadata that is not ASCII. Together about 150 MB of log per 100,000 fuzzed
   * requests.
   */
  static final List<String> CLIENT_STREAM_LOGGERS =
      List.of(
          NettyServerBuilder.class.getPackageName() + ".NettyServerHandler",
          NettyServerBuilder.class.getPackageName() + ".NettyServerStream",
          "io.grpc.internal.TransportFrameUtil");

  /** Held strongly, as {@link #taken}. */
  private static final List<Logger> clientStreams = new ArrayList<>();

  /** Takes the loggers over, once per JVM. */
  static synchronized void install() {
    if (taken != null) {
      return;
    }
    Logger logger = Logger.getLogger(LOGGER);
    logger.setUseParentHandlers(false);
    logger.addHandler(new GrpcConnectionLog());
    taken = logger;
    callTasks = Logger.getLogger(CALL_TASKS);
    callTasks.setFilter(GrpcConnectionLog::logUnlessUnparsedRequest);
    for (String name : CLIENT_STREAM_LOGGERS) {
      Logger l = Logger.getLogger(name);
      l.setFilter(GrpcConnectionLog::logUnlessClientStreamProblem);
      clientStreams.add(l);
    }
  }

  /**
   * Whether a record of {@link #CLIENT_STREAM_LOGGERS} is logged as grpc-java would: its WARNINGs
   * are about one stream a client got wrong (the client has its error), so they are counted and
   * logged as one rate-limited line by the door's {@link ConnectionErrors} instead; SEVERE records
   * (and any other level) keep their stack trace.
   */
  static boolean logUnlessClientStreamProblem(LogRecord record) {
    if (record.getLevel() != Level.WARNING) {
      return true;
    }
    Throwable t = record.getThrown();
    String detail = t == null ? "" : ": " + ConnectionErrors.quote(t.getMessage());
    ConnectionErrors owner = OWNER.get();
    (owner != null ? owner : NO_DOOR)
        .protocolError(
            "a request stream failed: " + ConnectionErrors.quote(record.getMessage()) + detail);
    return false;
  }

  /**
   * Whether a record of {@link #CALL_TASKS} is logged as grpc-java would: a request message that
   * does not parse is the client's mistake (the client has its INTERNAL answer), so it is counted
   * and logged as one rate-limited line by the door's {@link ConnectionErrors} instead; anything
   * else is the server's own and keeps its stack trace.
   */
  static boolean logUnlessUnparsedRequest(LogRecord record) {
    String problem = unparsedRequest(record.getThrown());
    if (problem == null) {
      return true;
    }
    ConnectionErrors owner = OWNER.get();
    (owner != null ? owner : NO_DOOR)
        .protocolError("answered INTERNAL to a request message that does not parse: " + problem);
    return false;
  }

  /** What the client sent wrong when {@code t} is a request's parse failure, else null. */
  static String unparsedRequest(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof InvalidProtocolBufferException p) {
        return ConnectionErrors.quote(p.getMessage());
      }
    }
    return null;
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
