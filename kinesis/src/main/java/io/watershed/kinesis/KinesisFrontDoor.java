package io.watershed.kinesis;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import io.watershed.core.metrics.RequestObserver;
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
 * <p>Stream metadata lives in a {@link KinesisCatalog} under {@code <dataDir>/kinesis}; the records
 * live in the topics of the {@link TopicStore}, which the caller opens before and closes after this
 * door.
 */
public final class KinesisFrontDoor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisFrontDoor.class);

  private final KinesisConfig settings;
  private final TopicStore topics;
  private final Path dataDir;
  private final LongSupplier clock;
  private ExecutorService io;
  private KinesisContext context;
  private volatile KinesisView view;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel server;
  private KinesisDispatcher dispatcher;
  private final AtomicInteger connections = new AtomicInteger();
  private volatile RequestObserver requestObserver = RequestObserver.NONE;

  /**
   * @param settings listener settings
   * @param topics the open topics, which streams are
   * @param dataDir the server's data directory; the catalog is kept in its {@code kinesis} folder
   */
  public KinesisFrontDoor(KinesisConfig settings, TopicStore topics, Path dataDir) {
    this(settings, topics, dataDir, System::currentTimeMillis);
  }

  /** As above with a clock (epoch milliseconds), for tests of expiry. */
  public KinesisFrontDoor(
      KinesisConfig settings, TopicStore topics, Path dataDir, LongSupplier clock) {
    this.settings = settings;
    this.topics = topics;
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
    KinesisCatalog catalog = KinesisCatalog.open(dataDir.resolve("kinesis"));
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
            clock);
    this.dispatcher = dispatcher;

    boolean epoll = Epoll.isAvailable();
    boss =
        new MultiThreadIoEventLoopGroup(
            1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    workers =
        new MultiThreadIoEventLoopGroup(
            Runtime.getRuntime().availableProcessors(),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    int maxBytes = settings.maxRequestBytes();
    RequestObserver observer = requestObserver;
    ChannelInitializer<Http2StreamChannel> streamInit =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Http2StreamChannel ch) {
            ch.pipeline()
                .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                .addLast(new ObservedAggregator(maxBytes, dispatcher, observer))
                .addLast(new KinesisHttpHandler(dispatcher, true, observer));
          }
        };
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.incrementAndGet();
                    ch.closeFuture().addListener(f -> connections.decrementAndGet());
                    HttpServerCodec codec = new HttpServerCodec();
                    HttpServerUpgradeHandler upgrade =
                        new HttpServerUpgradeHandler(
                            codec,
                            protocol ->
                                AsciiString.contentEquals(
                                        Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
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
                    ChannelPipeline p = ch.pipeline();
                    p.addLast(
                        new CleartextHttp2ServerUpgradeHandler(codec, upgrade, priorKnowledge));
                    p.addLast(new Http1Installer(dispatcher, maxBytes, observer));
                  }
                });
    server = b.bind(new InetSocketAddress(settings.bindHost(), settings.port())).sync().channel();
    LOG.info(
        "Kinesis listening on {}:{} ({} streams)",
        settings.bindHost(),
        port(),
        context.streams().size());
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
      p.replace(this, null, new ObservedAggregator(maxBytes, dispatcher, observer));
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

  /** Stops listening, closes every connection and waits (bounded) for the threads. */
  @Override
  public void close() {
    try {
      if (server != null) {
        server.close().sync();
      }
      if (workers != null) {
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
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
