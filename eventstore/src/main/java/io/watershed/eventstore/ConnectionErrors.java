package io.watershed.eventstore;

import io.grpc.netty.shaded.io.netty.handler.codec.DecoderException;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Error;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.watershed.core.metrics.RequestObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the door's connection failures go. Anyone can open a connection to the port and send
 * anything, so what a client does wrong must not be able to grow the log at will: each failure is
 * counted ({@link RequestObserver#protocolError()}) and logged as one line without a stack trace,
 * and at most {@link #LINES_PER_WINDOW} lines are logged per {@link #WINDOW} in all; the next line
 * after a full window says how many were left out. A failure that is the server's own (anything but
 * a client's bad input or a dropped network connection) is logged with its stack trace at WARN,
 * under a limit of its own, so that a flood of bad input cannot hide it.
 */
final class ConnectionErrors {
  /** Most lines logged per window. */
  static final int LINES_PER_WINDOW = 5;

  static final Duration WINDOW = Duration.ofMinutes(1);

  /** Longest piece of client-chosen text put in a log line. */
  static final int MAX_QUOTED_CHARS = 120;

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionErrors.class);

  private final Supplier<RequestObserver> observer;
  private final LongSupplier nanoClock;
  private final Logger log;

  private final Window clientErrors;
  private final Window serverErrors;

  ConnectionErrors(Supplier<RequestObserver> observer) {
    this(observer, System::nanoTime, LOG);
  }

  ConnectionErrors(Supplier<RequestObserver> observer, LongSupplier nanoClock, Logger log) {
    this.observer = observer;
    this.nanoClock = nanoClock;
    this.log = log;
    this.clientErrors = new Window(nanoClock.getAsLong());
    this.serverErrors = new Window(nanoClock.getAsLong());
  }

  /**
   * A connection dropped because what the client sent is not the door's protocol.
   *
   * @param what what happened, for the log: "closed a connection from 10.0.0.7:5312: ..."
   */
  void protocolError(String what) {
    observer.get().protocolError();
    long left = clientErrors.admit(nanoClock.getAsLong());
    if (left >= 0) {
      log.info("Event-store door: {}{}", what, suffix(left));
    }
  }

  /**
   * A connection grpc-java gave up on (what it logs as "Transport failed"): a protocol error when
   * the client broke HTTP/2 or TLS, nothing when the network dropped it, else a server error.
   */
  void transportFailed(Throwable t) {
    if (t == null || isNetwork(t)) {
      return;
    }
    String protocol = protocolProblem(t);
    if (protocol != null) {
      protocolError("closed a connection for a protocol error: " + protocol);
      return;
    }
    long left = serverErrors.admit(nanoClock.getAsLong());
    if (left >= 0) {
      log.warn("Event-store door: a connection failed{}", suffix(left), t);
    }
  }

  /** The client's mistake {@code t} stands for, for the log, or null when it is not one. */
  static String protocolProblem(Throwable t) {
    Throwable c = t;
    for (int depth = 0; c != null && depth < 8; depth++, c = c.getCause()) {
      if (c instanceof Http2Exception h) {
        return h.error() == Http2Error.INTERNAL_ERROR
            ? null
            : "HTTP/2 " + h.error() + ": " + quote(h.getMessage());
      }
      if (c instanceof SSLException s) {
        return "TLS: " + quote(s.getMessage());
      }
    }
    return t instanceof DecoderException d ? "cannot decode: " + quote(d.getMessage()) : null;
  }

  private static boolean isNetwork(Throwable t) {
    return t instanceof IOException && protocolProblem(t) == null;
  }

  /**
   * Client-chosen text made safe for one log line: printable ASCII only, at most {@link
   * #MAX_QUOTED_CHARS}.
   */
  static String quote(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_QUOTED_CHARS + 1));
    for (int i = 0; i < text.length() && b.length() < MAX_QUOTED_CHARS; i++) {
      char c = text.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '.');
    }
    if (text.length() > MAX_QUOTED_CHARS) {
      b.append('…');
    }
    return b.toString();
  }

  /** The lines logged in the current window, and those left out. */
  private static final class Window {
    private long start;
    private int logged;
    private long leftOut;

    Window(long start) {
      this.start = start;
    }

    /**
     * Whether a line may be logged at {@code now}: -1 if not (counted as left out), else how many
     * were left out in the window that just ended.
     */
    synchronized long admit(long now) {
      long before = 0;
      if (now - start >= WINDOW.toNanos()) {
        start = now;
        logged = 0;
        before = leftOut;
        leftOut = 0;
      }
      if (logged >= LINES_PER_WINDOW) {
        leftOut++;
        return -1;
      }
      logged++;
      return before;
    }
  }

  private static String suffix(long left) {
    return left == 0
        ? ""
        : " (and "
            + left
            + " earlier connection errors not logged: at most "
            + LINES_PER_WINDOW
            + " lines a minute)";
  }
}
