package io.watershed.kafka;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.metrics.RequestObserver;
import io.watershed.core.topic.TopicStore;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * What every handler of the Kafka front door shares: configuration, the topics, the handler
 * registry, this broker's advertised node, and a pool for work that may block (disk reads, waiting
 * on metadata), which must stay off the event loops.
 */
public final class KafkaBroker implements AutoCloseable {
  private final KafkaConfig config;
  private final TopicStore topics;
  private final ApiRegistry registry = new ApiRegistry();
  private final ExecutorService io;
  private final AtomicInteger connections = new AtomicInteger();
  private final String clusterId;
  private volatile int boundPort;
  private volatile RequestObserver requestObserver = RequestObserver.NONE;

  public KafkaBroker(KafkaConfig config, TopicStore topics) {
    this.config = config;
    this.topics = topics;
    this.clusterId = toKafka(topics.clusterId()).toString();
    AtomicInteger n = new AtomicInteger();
    this.io =
        Executors.newFixedThreadPool(
            Math.max(4, Runtime.getRuntime().availableProcessors() * 2),
            r -> {
              Thread t = new Thread(r, "kafka-io-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  public KafkaConfig config() {
    return config;
  }

  public TopicStore topics() {
    return topics;
  }

  public ApiRegistry registry() {
    return registry;
  }

  /** Threads for work that may block; never the event loop. */
  public ExecutorService io() {
    return io;
  }

  /** The cluster id in Kafka's form (base64 of the data directory's UUID). */
  public String clusterId() {
    return clusterId;
  }

  public int nodeId() {
    return config.nodeId();
  }

  /** This broker as clients should reach it. */
  public Node node() {
    int port = config.advertisedPort() > 0 ? config.advertisedPort() : boundPort;
    return new Node(config.nodeId(), config.advertisedHost(), port);
  }

  void bound(int port) {
    this.boundPort = port;
  }

  /** Told about every answered request (for metrics); set before the door starts. */
  public void observeRequests(RequestObserver observer) {
    this.requestObserver = observer;
  }

  RequestObserver requestObserver() {
    return requestObserver;
  }

  public int openConnections() {
    return connections.get();
  }

  void connectionOpened() {
    connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  /** A topic by the id Kafka clients use (Produce v13, Fetch v13+). */
  public Optional<TopicMetadata> topic(Uuid id) {
    return topics.describe(new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits()));
  }

  public static Uuid toKafka(UUID id) {
    return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
  }

  @Override
  public void close() {
    io.shutdown();
    try {
      io.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
