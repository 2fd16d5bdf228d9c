package io.watershed.kafka;

import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.file.Path;
import java.util.List;

/** A Kafka front door on an ephemeral loopback port over a fresh data directory, in-process. */
public final class KafkaTestServer implements AutoCloseable {
  private final TopicStore topics;
  private final CoordinatorRuntime coordinators;
  private final KafkaFrontDoor door;

  public KafkaTestServer(Path dataDir) throws Exception {
    this(
        dataDir,
        KafkaConfig.defaults("127.0.0.1", 0, "127.0.0.1").withGroupInitialRebalanceDelayMs(0));
  }

  public KafkaTestServer(Path dataDir, KafkaConfig config) throws Exception {
    topics = TopicStore.open(dataDir, LogManagerConfig.defaults(dataDir));
    coordinators = CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS);
    door = new KafkaFrontDoor(config, topics, coordinators);
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

  public CoordinatorRuntime coordinators() {
    return coordinators;
  }

  /** The names of the topics clients made (the coordinator runtime's own topic left out). */
  public List<String> clientTopics() {
    return topics.list().stream()
        .map(TopicMetadata::name)
        .filter(n -> !TopicStore.isInternal(n))
        .toList();
  }

  @Override
  public void close() throws java.io.IOException {
    door.close();
    coordinators.close();
    topics.close();
  }
}
