package io.watershed.fuzz.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * One connection: connect, write a {@link Plan}'s bytes, wait (bounded) for the answers its framing
 * calls for, half-close, and read until the server closes. Every wait is bounded: a write that does
 * not complete within the hang bound is cut by the {@link Watchdog}; a server that has not closed
 * within the hang bound after the half-close is a {@link Outcome#HANG}.
 */
public final class Exchange {
  /** What came back. */
  public record Result(
      Outcome outcome,
      byte[] received,
      int answers,
      boolean answersTimedOut,
      long micros,
      int localPort) {}

  private static final int KEEP_BYTES = 8 << 20;
  private static final int POLL_MILLIS = 20;

  private final InetSocketAddress address;
  private final long answerWaitMillis;
  private final long hangMillis;
  private final Watchdog watchdog;
  private int localPort = -1;

  public Exchange(int port, long answerWaitMillis, long hangMillis, Watchdog watchdog) {
    this.address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    this.answerWaitMillis = answerWaitMillis;
    this.hangMillis = hangMillis;
    this.watchdog = watchdog;
  }

  public Result run(Plan plan, AnswerCounter counter) {
    long start = System.nanoTime();
    Socket socket = new Socket();
    byte[] buf = new byte[64 * 1024];
    byte[] received = new byte[0];
    int length = 0;
    int answers = 0;
    boolean timedOut = false;
    try (socket) {
      try {
        socket.setTcpNoDelay(true);
        socket.connect(address, (int) hangMillis);
        localPort = socket.getLocalPort();
      } catch (IOException e) {
        return result(Outcome.CONNECT_FAILED, received, 0, false, micros(start));
      }
      socket.setSoTimeout(POLL_MILLIS);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      boolean written = true;
      long writeDeadline = System.nanoTime() + hangMillis * 1_000_000L;
      Watchdog.Guard guard = watchdog.guard(socket, writeDeadline);
      try (guard) {
        out.write(plan.bytes());
        out.flush();
      } catch (IOException e) {
        if (guard.fired()) {
          // The server stopped reading for the whole hang bound with the connection open.
          return result(Outcome.HANG, received, 0, false, micros(start));
        }
        // The server closed while input was still being written: it refused the input. What it
        // sent before that is still read below.
        written = false;
      }
      boolean halfClosed = false;
      long answerDeadline = System.nanoTime() + answerWaitMillis * 1_000_000L;
      long closeDeadline = Long.MAX_VALUE;
      if (!written || plan.expectedAnswers() == 0) {
        halfClose(socket);
        halfClosed = true;
        closeDeadline = System.nanoTime() + hangMillis * 1_000_000L;
      }
      // Bounded by the deadlines: the answer wait, then the hang bound after the half-close.
      long lastChance = System.nanoTime() + (answerWaitMillis + 2 * hangMillis) * 1_000_000L;
      while (System.nanoTime() < lastChance) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          long now = System.nanoTime();
          if (!halfClosed && now > answerDeadline) {
            timedOut = true;
            halfClose(socket);
            halfClosed = true;
            closeDeadline = now + hangMillis * 1_000_000L;
          } else if (halfClosed && now > closeDeadline) {
            return result(
                Outcome.HANG, Arrays.copyOf(received, length), answers, timedOut, micros(start));
          }
          continue;
        } catch (IOException e) {
          return result(
              length > 0 ? Outcome.ANSWERED : Outcome.RESET,
              Arrays.copyOf(received, length),
              answers,
              timedOut,
              micros(start));
        }
        if (n < 0) {
          return result(
              length > 0 ? Outcome.ANSWERED : Outcome.CLOSED_SILENTLY,
              Arrays.copyOf(received, length),
              answers,
              timedOut,
              micros(start));
        }
        if (length + n <= KEEP_BYTES) {
          if (length + n > received.length) {
            received = Arrays.copyOf(received, Math.max(length + n, received.length * 2));
          }
          System.arraycopy(buf, 0, received, length, n);
          length += n;
        }
        if (!halfClosed) {
          answers = counter.completeAnswers(received, length);
          if (answers >= plan.expectedAnswers()) {
            halfClose(socket);
            halfClosed = true;
            closeDeadline = System.nanoTime() + hangMillis * 1_000_000L;
          }
        }
      }
      return result(
          Outcome.HANG, Arrays.copyOf(received, length), answers, timedOut, micros(start));
    } catch (IOException e) {
      return result(
          length > 0 ? Outcome.ANSWERED : Outcome.RESET,
          Arrays.copyOf(received, length),
          answers,
          timedOut,
          micros(start));
    }
  }

  private Result result(Outcome o, byte[] received, int answers, boolean timedOut, long micros) {
    return new Result(o, received, answers, timedOut, micros, localPort);
  }

  private static void halfClose(Socket socket) {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      // Already closed by the server: the read that follows sees it.
    }
  }

  private static long micros(long start) {
    return (System.nanoTime() - start) / 1000;
  }
}
