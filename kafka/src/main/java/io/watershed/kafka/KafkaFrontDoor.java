package io.watershed.kafka;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.group.GroupCoordinator;
import io.watershed.kafka.handlers.KafkaApis;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka protocol listener: a Netty server whose connections decode length-prefixed Kafka
 * requests ({@link KafkaConnection}) and serve them with the handlers of {@link KafkaApis}.
 */
public final class KafkaFrontDoor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaFrontDoor.class);

  private final KafkaBroker broker;
  private final KafkaApis apis;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private Channel server;

  /**
   * @param topics the topics the door serves
   * @param coordinators the open coordinator runtime, which keeps the consumer groups; owned by the
   *     caller, closed after this door
   */
  public KafkaFrontDoor(KafkaConfig config, TopicStore topics, CoordinatorRuntime coordinators) {
    this.broker = new KafkaBroker(config, topics);
    this.apis = new KafkaApis(broker, coordinators);
  }

  public KafkaBroker broker() {
    return broker;
  }

  /** The group coordinator, for administrators: group views and offset resets. */
  public GroupCoordinator groups() {
    return apis.groups();
  }

  /** Binds and starts serving; returns once the port is open. */
  public void start() throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    boss =
        new MultiThreadIoEventLoopGroup(
            1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    workers =
        new MultiThreadIoEventLoopGroup(
            Runtime.getRuntime().availableProcessors(),
            epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    int maxFrame = broker.config().maxRequestBytes();
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
                    ch.pipeline()
                        .addLast(
                            "frames", new LengthFieldBasedFrameDecoder(maxFrame + 4, 0, 4, 0, 4))
                        .addLast("kafka", new KafkaConnection(broker));
                  }
                });
    server =
        b.bind(new InetSocketAddress(broker.config().bindHost(), broker.config().port()))
            .sync()
            .channel();
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    broker.bound(port);
    apis.start();
    LOG.info(
        "Kafka listening on {}:{} (advertised as {}:{})",
        broker.config().bindHost(),
        port,
        broker.node().host(),
        broker.node().port());
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
      apis.close();
      if (workers != null) {
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      broker.close();
    }
  }
}
