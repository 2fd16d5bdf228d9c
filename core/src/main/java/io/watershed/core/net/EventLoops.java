package io.watershed.core.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The Netty event loops the front doors share: one thread that accepts connections on every
 * listening port, and one worker thread per core that serves them all. Thread hand-offs, not
 * compute, limit a small machine, so each door having its own acceptor and workers (one set per
 * door, each sized to the cores) only added threads that compete for the same cores.
 *
 * <p>Handlers on these loops never block (disk reads and fsyncs go to the doors' own blocking
 * threads), which is what makes sharing them safe: a slow request of one door cannot hold the loop
 * another door's connection is on. A door that uses shared loops closes its own listening channel
 * and connections; the loops are closed by their owner after every door. Uses epoll where the
 * native transport loads, else NIO. Thread-safe.
 */
public final class EventLoops implements AutoCloseable {
  private final boolean epoll;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;

  private EventLoops(String name, int workerThreads) {
    this.epoll = Epoll.isAvailable();
    this.acceptor =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory(name + "-accept", true), ioHandlers());
    this.workers =
        new MultiThreadIoEventLoopGroup(
            workerThreads, new DefaultThreadFactory(name + "-io", true), ioHandlers());
  }

  /**
   * Opens a set of loops; their threads start when the first channel is registered.
   *
   * @param name prefix of the threads' names
   * @param workerThreads worker threads; 0 for one per core
   */
  public static EventLoops open(String name, int workerThreads) {
    if (workerThreads < 0) {
      throw new IllegalArgumentException("workerThreads " + workerThreads);
    }
    return new EventLoops(
        name, workerThreads == 0 ? Runtime.getRuntime().availableProcessors() : workerThreads);
  }

  private IoHandlerFactory ioHandlers() {
    return epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** Accepts connections: a bootstrap's parent group. */
  public EventLoopGroup acceptor() {
    return acceptor;
  }

  /** Serves connections: a bootstrap's child group. */
  public EventLoopGroup workers() {
    return workers;
  }

  /** The listening channel type that goes with these loops. */
  public Class<? extends ServerChannel> serverChannel() {
    return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** Whether the loops are epoll's (else NIO's). */
  public boolean epoll() {
    return epoll;
  }

  /**
   * Stops the loops, closing any channel still registered, and waits for the threads a bounded time
   * (3 s each).
   */
  @Override
  public void close() {
    Future<?> a = acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    Future<?> w = workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    a.awaitUninterruptibly(3, TimeUnit.SECONDS);
    w.awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
