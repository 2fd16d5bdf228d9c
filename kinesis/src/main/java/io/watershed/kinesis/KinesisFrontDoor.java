package io.watershed.kinesis;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.metrics.RequestObserver;
import io.watershed.core.net.EventLoops;
import io.watershed.core.tls.SelfSignedCertificate;
import io.watershed.core.topic.TopicStore;
import io.watershed.kinesis.catalog.KinesisCatalog;
import io.watershed.kinesis.handlers.KinesisOperations;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kinesis Data Streams listener: one port serving HTTP/1.1 (the sync SDK client), HTTP/2
 * cleartext with prior knowledge (the async SDK client sends the preface at once) and h2c by
 * Upgrade; each request is aggregated whole (up to {@link KinesisConfig#maxRequestBytes()}) and
 * served by the handler its {@code X-Amz-Target} names.
 *
 * <p>Stream metadata lives in a {@link KinesisCatalog} on the coordinator runtime (an older
 * version's catalog file under {@code <dataDir>/kinesis} is moved there at the first start); the
 * records live in the topics of the {@link TopicStore}. The caller opens both before and closes
 * them after this door.
 */
public final class KinesisFrontDoor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisFrontDoor.class);

  private final KinesisConfig settings;
  private final TopicStore topics;
  private final CoordinatorRuntime coordinators;
  private final Path dataDir;
  private final LongSupplier clock;
  private ExecutorService io;
  private KinesisContext context;
  private volatile KinesisView view;

  /** Every connection accepted, so that close can end them when the loops are shared. */
  private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  private EventLoops loops;
  private boolean ownLoops;
  private Channel server;
  private Channel tlsServer;
  private KinesisDispatcher dispatcher;
  private final AtomicInteger connections = new AtomicInteger();
  private volatile RequestObserver requestObserver = RequestObserver.NONE;

  /**
   * @param settings listener settings
   * @param topics the open topics, which streams are
   * @param coordinators the open coordinator runtime, which keeps the catalog
   * @param dataDir the server's data directory; an earlier version kept the catalog in its {@code
   *     kinesis} folder
   */
  public KinesisFrontDoor(
      KinesisConfig settings, TopicStore topics, CoordinatorRuntime coordinators, Path dataDir) {
    this(settings, topics, coordinators, dataDir, System::currentTimeMillis);
  }

  /** As above with a clock (epoch milliseconds), for tests of expiry. */
  public KinesisFrontDoor(
      KinesisConfig settings,
      TopicStore topics,
      CoordinatorRuntime coordinators,
      Path dataDir,
      LongSupplier clock) {
    this.settings = settings;
    this.topics = topics;
    this.coordinators = coordinators;
    this.dataDir = dataDir;
    this.clock = clock;
  }

  /** Told about every answered request (for metrics); set before {@link #start()}. */
  public void observeRequests(RequestObserver observer) {
    this.requestObserver = observer;
  }

  /** Client connections open now (an HTTP/2 connection counts once, whatever its streams). */
  public int openConnections() {
    return connections.get();
  }

  /** The streams, read-only, for operators; once started. */
  public KinesisView view() {
    return view;
  }

  /** The shared state of the handlers, once started. */
  public KinesisContext context() {
    return context;
  }

  /**
   * Serves on {@code shared} loops instead of loops of its own; call before {@link #start()}. The
   * caller closes them, after this door.
   */
  public KinesisFrontDoor useEventLoops(EventLoops shared) {
    this.loops = shared;
    return this;
  }

  /**
   * Opens the catalog, finishes what a crash interrupted (creations, deletions, reshardings), binds
   * and starts serving; returns once the port is open.
   */
  public void start() throws IOException, InterruptedException {
    AtomicInteger n = new AtomicInteger();
    io =
        Executors.newFixedThreadPool(
            Math.max(4, Runtime.getRuntime().availableProcessors() * 2),
            r -> {
              Thread t = new Thread(r, "kinesis-io-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    KinesisCatalog catalog = KinesisCatalog.open(coordinators, dataDir.resolve("kinesis"));
    context = new KinesisContext(settings, topics, catalog, io, clock);
    CatalogRecovery.recover(context);
    view = new KinesisView(context);
    KinesisDispatcher dispatcher =
        new KinesisDispatcher(
            KinesisOperations.all(context),
            KinesisOperations.streaming(context),
            settings.verifiesSignatures()
                ? new SigV4(settings.accessKeyId(), settings.secretAccessKey())
                : null,
            clock,
            settings.accountId());
    this.dispatcher = dispatcher;

    if (loops == null) {
      loops = EventLoops.open("kinesis", 0);
      ownLoops = true;
    }
    int maxBytes = settings.maxRequestBytes();
    RequestObserver observer = requestObserver;
    ChannelInitializer<Http2StreamChannel> streamInit =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Http2StreamChannel ch) {
            ch.pipeline()
                .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                .addLast(new ObservedAggregator(maxBytes))
                .addLast(new KinesisHttpHandler(dispatcher, true, observer));
          }
        };
    Listener listener = new Listener(dispatcher, maxBytes, observer, streamInit);
    server = bind(settings.port(), listener.plaintext());
    if (settings.tls() != null) {
      tlsServer = bind(settings.tls().port(), listener.tls(sslContext(settings.tls())));
    }
    LOG.info(
        "Kinesis listening on {}:{}{} ({} streams)",
        settings.bindHost(),
        port(),
        tlsServer == null ? "" : " and with TLS on port " + tlsPort(),
        context.streams().size());
  }

  private Channel bind(int port, ChannelInitializer<SocketChannel> init)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(loops.acceptor(), loops.workers())
        .channel(loops.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                accepted.add(ch);
                ch.pipeline().addLast(init);
              }
            })
        .bind(new InetSocketAddress(settings.bindHost(), port))
        .sync()
        .channel();
  }

  /**
   * The TLS listener's server context: the configured certificate, or the self-signed one (made on
   * first start); ALPN offers HTTP/2 and HTTP/1.1, as Kinesis endpoints do.
   */
  private static SslContext sslContext(KinesisTls tls) throws IOException {
    SelfSignedCertificate.CertificateFiles files =
        tls.certFile() != null
            ? new SelfSignedCertificate.CertificateFiles(tls.certFile(), tls.keyFile())
            : SelfSignedCertificate.ensure(tls.selfSignedDir(), "Watershed Kinesis", tls.hosts());
    try {
      return SslContextBuilder.forServer(files.certificate().toFile(), files.key().toFile())
          .sslProvider(SslProvider.JDK)
          .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_2,
                  ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "cannot use the Kinesis TLS certificate "
              + files.certificate()
              + " and key "
              + files.key()
              + ": "
              + e,
          e);
    }
  }

  /**
   * How a connection's pipeline is set up: on the plaintext port, HTTP/1.1 or HTTP/2 with prior
   * knowledge or by Upgrade, told apart by the first bytes; on the TLS port the same after the
   * handshake, unless ALPN chose HTTP/2 (the SDK's async client may also send the HTTP/2 preface
   * over TLS without ALPN, which the plaintext detection then recognises).
   */
  private final class Listener {
    private final KinesisDispatcher dispatcher;
    private final int maxBytes;
    private final RequestObserver observer;
    private final ChannelInitializer<Http2StreamChannel> streamInit;

    Listener(
        KinesisDispatcher dispatcher,
        int maxBytes,
        RequestObserver observer,
        ChannelInitializer<Http2StreamChannel> streamInit) {
      this.dispatcher = dispatcher;
      this.maxBytes = maxBytes;
      this.observer = observer;
      this.streamInit = streamInit;
    }

    ChannelInitializer<SocketChannel> plaintext() {
      return new ChannelInitializer<>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          counted(ch);
          http1OrPriorKnowledge(ch.pipeline());
        }
      };
    }

    ChannelInitializer<SocketChannel> tls(SslContext ssl) {
      return new ChannelInitializer<>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          counted(ch);
          ch.pipeline()
              .addLast(ssl.newHandler(ch.alloc()))
              .addLast(
                  new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                    @Override
                    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                      if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                        ctx.pipeline()
                            .addLast(Http2FrameCodecBuilder.forServer().build())
                            .addLast(new Http2MultiplexHandler(streamInit));
                      } else {
                        http1OrPriorKnowledge(ctx.pipeline());
                      }
                    }
                  });
        }
      };
    }

    private void counted(SocketChannel ch) {
      connections.incrementAndGet();
      ch.closeFuture().addListener(f -> connections.decrementAndGet());
    }

    private void http1OrPriorKnowledge(ChannelPipeline p) {
      HttpServerCodec codec = new HttpServerCodec();
      HttpServerUpgradeHandler upgrade =
          new HttpServerUpgradeHandler(
              codec,
              protocol ->
                  AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                      ? new Http2ServerUpgradeCodec(
                          Http2FrameCodecBuilder.forServer().build(),
                          new Http2MultiplexHandler(streamInit))
                      : null,
              maxBytes);
      ChannelInitializer<Channel> priorKnowledge =
          new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
              c.pipeline()
                  .addLast(Http2FrameCodecBuilder.forServer().build())
                  .addLast(new Http2MultiplexHandler(streamInit));
            }
          };
      p.addLast(new CleartextHttp2ServerUpgradeHandler(codec, upgrade, priorKnowledge));
      p.addLast(new Http1Installer(dispatcher, maxBytes, observer));
    }
  }

  /**
   * Reached by the first HTTP/1.1 message when no HTTP/2 was negotiated: installs the aggregator
   * and the handler in its place.
   */
  private static final class Http1Installer extends SimpleChannelInboundHandler<HttpMessage> {
    private final KinesisDispatcher dispatcher;
    private final int maxBytes;
    private final RequestObserver observer;

    Http1Installer(KinesisDispatcher dispatcher, int maxBytes, RequestObserver observer) {
      super(false);
      this.dispatcher = dispatcher;
      this.maxBytes = maxBytes;
      this.observer = observer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpMessage msg) {
      ChannelPipeline p = ctx.pipeline();
      p.addAfter(ctx.name(), null, new KinesisHttpHandler(dispatcher, false, observer));
      p.replace(this, null, new ObservedAggregator(maxBytes));
      ctx.fireChannelRead(msg);
    }
  }

  /** The request router, once started (request counts by encoding). */
  public KinesisDispatcher dispatcher() {
    return dispatcher;
  }

  /** The port actually bound. */
  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** The TLS listener's port actually bound, or -1 when there is none. */
  public int tlsPort() {
    return tlsServer == null ? -1 : ((InetSocketAddress) tlsServer.localAddress()).getPort();
  }

  /** Stops listening, closes every connection and waits (bounded) for the threads. */
  @Override
  public void close() {
    try {
      if (server != null) {
        server.close().sync();
      }
      if (tlsServer != null) {
        tlsServer.close().sync();
      }
      accepted.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      if (ownLoops) {
        loops.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (io != null) {
        io.shutdown();
        try {
          io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
