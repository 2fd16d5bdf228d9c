package io.watershed.kafka;

import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.file.Path;

/** A Kafka front door on an ephemeral loopback port over a fresh data directory, in-process. */
public final class KafkaTestServer implements AutoCloseable {
  private final TopicStore topics;
  private final KafkaFrontDoor door;

  public KafkaTestServer(Path dataDir) throws Exception {
    this(
        dataDir,
        KafkaConfig.defaults("127.0.0.1", 0, "127.0.0.1").withGroupInitialRebalanceDelayMs(0));
  }

  public KafkaTestServer(Path dataDir, KafkaConfig config) throws Exception {
    topics = TopicStore.open(dataDir, LogManagerConfig.defaults(dataDir));
    door = new KafkaFrontDoor(config, topics);
    door.start();
  }

  public String bootstrap() {
    return "127.0.0.1:" + door.port();
  }

  public TopicStore topics() {
    return topics;
  }

  public KafkaFrontDoor door() {
    return door;
  }

  @Override
  public void close() throws java.io.IOException {
    door.close();
    topics.close();
  }
}
