package io.watershed.fuzz.engine;

import java.io.IOException;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes sockets whose blocking writes outlive their deadline (a server that stops reading would
 * otherwise block the writer forever). One daemon thread checks every 100 ms.
 */
public final class Watchdog implements AutoCloseable {
  private final Map<Guard, Boolean> guards = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  /** A registered deadline; closing it unregisters. */
  public final class Guard implements AutoCloseable {
    private final Socket socket;
    private final long deadline;
    private volatile boolean fired;

    private Guard(Socket socket, long deadline) {
      this.socket = socket;
      this.deadline = deadline;
    }

    /** Whether the deadline passed and the socket was closed. */
    public boolean fired() {
      return fired;
    }

    @Override
    public void close() {
      guards.remove(this);
    }
  }

  public Watchdog() {
    thread = Thread.ofPlatform().daemon().name("fuzz-watchdog").start(this::loop);
  }

  public Guard guard(Socket socket, long deadlineNanos) {
    Guard g = new Guard(socket, deadlineNanos);
    guards.put(g, Boolean.TRUE);
    return g;
  }

  private void loop() {
    while (running) {
      long now = System.nanoTime();
      for (Guard g : guards.keySet()) {
        if (now > g.deadline) {
          guards.remove(g);
          g.fired = true;
          try {
            g.socket.close();
          } catch (IOException e) {
            // Closing is all that was wanted.
          }
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
