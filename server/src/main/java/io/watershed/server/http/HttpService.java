package io.watershed.server.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.watershed.core.metrics.RequestObserver;
import io.watershed.core.net.EventLoops;
import io.watershed.server.EventLoopService;
import io.watershed.server.Service;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint (port 8080 by default): Netty with one acceptor thread and a small worker
 * group, HTTP/1.1 keep-alive, requests aggregated up to {@link #MAX_REQUEST_BYTES} (request line up
 * to {@link #MAX_LINE_BYTES}, headers up to {@link #MAX_HEADER_BYTES}), routed by {@link Router}.
 * Handlers that block run on {@link #blockingExecutor()}, never on the event loop.
 */
public final class HttpService implements Service {
  private static final Logger log = LoggerFactory.getLogger(HttpService.class);

  /** Largest request body accepted; larger requests get 413. */
  public static final int MAX_REQUEST_BYTES = 1 << 20;

  /** Longest request line (method, URL, version) accepted; longer ones get 414. */
  public static final int MAX_LINE_BYTES = 4096;

  /** Largest header block accepted; larger ones get 431. */
  public static final int MAX_HEADER_BYTES = 8192;

  /** Idle keep-alive connections are closed after this many seconds. */
  static final int IDLE_SECONDS = 120;

  private static final int WORKER_THREADS = 2;
  private static final int BLOCKING_THREADS = 4;

  private final String host;
  private final int port;
  private final Router router = new Router();
  private final ExecutorService blocking =
      Executors.newFixedThreadPool(
          BLOCKING_THREADS, new DefaultThreadFactory("http-blocking", true));

  /** Every connection accepted, so that close can end them when the loops are shared. */
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  private final EventLoopService shared;
  private EventLoops loops;
  private boolean ownLoops;
  private Channel channel;
  private volatile int boundPort = -1;
  private volatile RequestObserver observer = RequestObserver.NONE;

  /**
   * @param host address to bind
   * @param port port to bind; 0 picks a free one ({@link #port()} tells which)
   */
  public HttpService(String host, int port) {
    this(host, port, null);
  }

  /**
   * @param shared the server's shared event loops, taken when the service starts (they start
   *     first), or null for loops of its own
   */
  public HttpService(String host, int port, EventLoopService shared) {
    this.host = host;
    this.port = port;
    this.shared = shared;
  }

  @Override
  public String name() {
    return "http";
  }

  /**
   * Serves on {@code shared} loops instead of loops of its own; call before {@link #start()}. The
   * caller closes them, after this service.
   */
  public HttpService useEventLoops(EventLoops shared) {
    this.loops = shared;
    return this;
  }

  /** Where each request's route, time and outcome go; set before {@link #start()}. */
  public void observeRequests(RequestObserver observer) {
    this.observer = observer;
  }

  /** The route table; add routes before {@link #start()}. */
  public Router routes() {
    return router;
  }

  /**
   * A small pool for handler work that blocks (disk, waits on other threads); shut down with the
   * service.
   */
  public Executor blockingExecutor() {
    return blocking;
  }

  @Override
  public void start() throws IOException {
    Thread.ofPlatform().daemon().name("http-warm-up").start(Response::warmUp);
    if (loops == null && shared != null) {
      loops = shared.loops();
    }
    if (loops == null) {
      loops = EventLoops.open("http", WORKER_THREADS);
      ownLoops = true;
    }
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loops.acceptor(), loops.workers())
            .channel(loops.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 256)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    ch.pipeline()
                        .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS))
                        .addLast(
                            "codec",
                            new HttpServerCodec(
                                new HttpDecoderConfig()
                                    .setMaxInitialLineLength(MAX_LINE_BYTES)
                                    .setMaxHeaderSize(MAX_HEADER_BYTES)))
                        .addLast("keep-alive", new HttpServerKeepAliveHandler())
                        .addLast("aggregator", new RequestAggregator(MAX_REQUEST_BYTES))
                        .addLast("handler", new HttpRequestHandler(router, observer));
                  }
                });
    ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      shutDownThreads();
      Throwable cause = bound.cause();
      throw new IOException(
          "cannot listen for HTTP on " + host + ":" + port + ": " + cause.getMessage(), cause);
    }
    channel = bound.channel();
    boundPort = ((InetSocketAddress) channel.localAddress()).getPort();
    log.info("HTTP listening on {}:{}", host, boundPort);
  }

  /** The port actually bound, or -1 before start. */
  public int port() {
    return boundPort;
  }

  @Override
  public Map<String, Integer> boundPorts() {
    return boundPort < 0 ? Map.of() : Map.of("http", boundPort);
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    shutDownThreads();
  }

  private void shutDownThreads() {
    blocking.shutdownNow();
    if (ownLoops) {
      loops.close();
    }
  }
}
