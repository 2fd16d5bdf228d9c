package io.watershed.kafka;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.net.EventLoops;
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

  /** Every connection accepted, so that close can end them when the loops are shared. */
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  private EventLoops loops;
  private boolean ownLoops;
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

  /**
   * Serves on {@code shared} loops instead of loops of its own; call before {@link #start()}. The
   * caller closes them, after this door.
   */
  public KafkaFrontDoor useEventLoops(EventLoops shared) {
    this.loops = shared;
    return this;
  }

  /** Binds and starts serving; returns once the port is open. */
  public void start() throws InterruptedException {
    if (loops == null) {
      loops = EventLoops.open("kafka", 0);
      ownLoops = true;
    }
    int maxFrame = broker.config().maxRequestBytes();
    ServerBootstrap b =
        new ServerBootstrap()
            .group(loops.acceptor(), loops.workers())
            .channel(loops.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
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
      connections.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      apis.close();
      if (ownLoops) {
        loops.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      broker.close();
    }
  }
}
