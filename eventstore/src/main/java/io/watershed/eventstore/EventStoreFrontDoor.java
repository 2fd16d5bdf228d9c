package io.watershed.eventstore;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.watershed.core.metrics.RequestObserver;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.PersistentSubscriptions;
import io.watershed.core.tls.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EventStoreDB / KurrentDB gRPC front door: the {@code Streams}, {@code
 * PersistentSubscriptions}, {@code ServerFeatures} and {@code Gossip} services on one port (2113 by
 * default), plaintext or TLS, over grpc-java on Netty.
 *
 * <p>Threading: Netty's event loops only frame and decode; every call runs on the door's request
 * executor, where store reads (which may block on disk) happen, and answers to appends are sent
 * from it too (a burst of answers at a time: {@link CoalescingExecutor}), so the store's indexing
 * thread never does network work.
 *
 * <p>Keep-alive: the clients ping every 10 s by default, with or without calls in flight; the
 * server allows that (grpc-java's default would answer such pings with GOAWAY).
 *
 * <p>Bad input on the port (a bad HTTP/2 preface, TLS to a plaintext port, garbage) is dropped by a
 * {@link PrefaceGuard} in front of grpc-java's handlers, and what grpc-java still reports about
 * failed connections is taken from its log ({@link GrpcConnectionLog}): each is counted as a
 * protocol error and logged once, without a stack trace, a few lines a minute at most ({@link
 * ConnectionErrors}). To tell its connections from those of another server, the door runs on event
 * loops of its own, on the native transport where there is one.
 */
public final class EventStoreFrontDoor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventStoreFrontDoor.class);

  /**
   * Threads that run calls. A few busy threads taking work from one queue beat a pool that grows a
   * thread per concurrent call: under load they rarely park, and parking and waking threads cost
   * about as much as serving an append on these machines (measured: ~60 against ~115 server CPU-µs
   * per single-event append with 64 in flight). Reads page (a few hundred events at a time), so a
   * read blocking on disk holds a thread only briefly.
   */
  static final int REQUEST_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private final EventStoreDoorConfig config;
  private final EventStore store;
  private final PersistentSubscriptions groups;
  private final ExecutorService executor;
  private final StreamWatchers watchers = new StreamWatchers();
  private final ConnectionCounter connections = new ConnectionCounter();
  private volatile RequestObserver requestObserver = RequestObserver.NONE;
  private final ConnectionErrors connectionErrors = new ConnectionErrors(() -> requestObserver);
  private Server server;
  private EventLoopGroup acceptor;
  private EventLoopGroup workers;

  public EventStoreFrontDoor(
      EventStoreDoorConfig config, EventStore store, PersistentSubscriptions groups) {
    this.config = config;
    this.store = store;
    this.groups = groups;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            REQUEST_THREADS,
            r -> {
              Thread t =
                  new Thread(
                      () -> {
                        GrpcConnectionLog.OWNER.set(connectionErrors);
                        r.run();
                      },
                      "eventstore-grpc-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Binds the port and starts serving. */
  public synchronized void start() throws IOException {
    GrpcConnectionLog.install();
    boolean epoll = Epoll.isAvailable();
    acceptor = eventLoops(epoll, 1, "eventstore-accept");
    // 0: Netty's default, twice the processors, as grpc-java's shared event loops have.
    workers = eventLoops(epoll, 0, "eventstore-io");
    PrefaceGuard.Installer guard = new PrefaceGuard.Installer(config.tls(), connectionErrors);
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.bindHost(), config.port()))
            .bossEventLoopGroup(acceptor)
            .workerEventLoopGroup(workers)
            .channelFactory(
                () -> {
                  ServerChannel listener =
                      epoll ? new EpollServerSocketChannel() : new NioServerSocketChannel();
                  listener.pipeline().addLast(guard);
                  return listener;
                })
            .executor(executor)
            .maxInboundMessageSize(config.maxInboundMessageBytes())
            .maxInboundMetadataSize(64 << 10)
            .permitKeepAliveTime(1, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addTransportFilter(connections)
            .intercept(new CallObserver(() -> requestObserver));
    if (config.tls()) {
      SelfSignedCertificate.CertificateFiles files =
          config.certFile() != null
              ? new SelfSignedCertificate.CertificateFiles(config.certFile(), config.keyFile())
              : SelfSignedCertificate.ensure(
                  config.tlsDir(), "watershed", List.of(config.advertisedHost()));
      b.sslContext(
          GrpcSslContexts.forServer(files.certificate().toFile(), files.key().toFile()).build());
      LOG.info("Event-store door TLS certificate: {}", files.certificate().toAbsolutePath());
    }
    PeerAddress peers = new PeerAddress();
    CoalescingExecutor answers = new CoalescingExecutor(executor);
    b.addService(
            ServerInterceptors.intercept(
                new StreamsService(store, watchers, executor, answers, config.maxAppendBytes()),
                peers))
        .addService(
            ServerInterceptors.intercept(
                new PersistentSubscriptionsService(groups, answers), peers))
        .addService(new ServerFeaturesService(config.serverVersion()))
        .addService(new GossipService(UUID.randomUUID(), config.advertisedHost(), this::port));
    store.addListener(watchers);
    server = b.build().start();
    LOG.info(
        "Event-store door (KurrentDB gRPC, {}) listening on {}:{}",
        config.tls() ? "TLS" : "plaintext",
        config.bindHost(),
        port());
  }

  /**
   * Event loops whose threads say they serve this door, for {@link GrpcConnectionLog}.
   *
   * @param threads 0 for Netty's default
   */
  private EventLoopGroup eventLoops(boolean epoll, int threads, String name) {
    DefaultThreadFactory factory =
        new DefaultThreadFactory(name, true) {
          @Override
          protected Thread newThread(Runnable r, String threadName) {
            return super.newThread(
                () -> {
                  GrpcConnectionLog.OWNER.set(connectionErrors);
                  r.run();
                },
                threadName);
          }
        };
    return epoll
        ? new EpollEventLoopGroup(threads, factory)
        : new NioEventLoopGroup(threads, factory);
  }

  /** Told about every finished call (for metrics); set before {@link #start()}. */
  public void observeRequests(RequestObserver observer) {
    this.requestObserver = observer;
  }

  /** Client connections open now. */
  public int openConnections() {
    return connections.open();
  }

  /** The bound port (once started). */
  public int port() {
    Server s = server;
    return s == null ? config.port() : s.getPort();
  }

  /**
   * Stops taking calls, gives those in flight a moment to finish (subscriptions never do: they are
   * cancelled), then stops the request threads.
   */
  @Override
  public synchronized void close() {
    store.removeListener(watchers);
    if (server != null) {
      server.shutdown();
      try {
        if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
          server.shutdownNow();
          server.awaitTermination(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        server.shutdownNow();
        Thread.currentThread().interrupt();
      }
      server = null;
    }
    // The event loops are the door's own: grpc-java leaves them running.
    for (EventLoopGroup loops : new EventLoopGroup[] {acceptor, workers}) {
      if (loops != null) {
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      }
    }
    acceptor = null;
    workers = null;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
