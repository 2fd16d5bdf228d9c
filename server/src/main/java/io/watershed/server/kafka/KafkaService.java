package io.watershed.server.kafka;

import io.watershed.core.metrics.RequestObserver;
import io.watershed.kafka.KafkaFrontDoor;
import io.watershed.server.EventLoopService;
import io.watershed.server.Service;
import io.watershed.server.config.KafkaSettings;
import io.watershed.server.config.ServerConfig;
import io.watershed.server.storage.StorageService;
import java.util.Map;

/**
 * The Kafka front door as a service of the server, on the storage's topics, its consumer groups on
 * the storage's coordinator runtime.
 */
public final class KafkaService implements Service {
  private final ServerConfig config;
  private final StorageService storage;
  private final EventLoopService loops;
  private final RequestObserver requests;
  private volatile KafkaFrontDoor door;

  /**
   * @param requests told about every Kafka request the door answers
   */
  public KafkaService(
      ServerConfig config,
      StorageService storage,
      EventLoopService loops,
      RequestObserver requests) {
    this.config = config;
    this.storage = storage;
    this.loops = loops;
    this.requests = requests;
  }

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public void start() throws Exception {
    door =
        new KafkaFrontDoor(
            KafkaSettings.build(
                config.doorSettings("kafka"),
                config.bindHost(),
                config.kafkaPort(),
                config.advertisedHost()),
            storage.topics(),
            storage.coordinators());
    door.broker().observeRequests(requests);
    door.useEventLoops(loops.loops());
    try {
      door.start();
    } catch (Exception e) {
      door.close();
      throw e;
    }
  }

  /** The front door, once started. */
  public KafkaFrontDoor door() {
    return door;
  }

  @Override
  public Map<String, Integer> boundPorts() {
    return door == null ? Map.of() : Map.of("kafka", door.port());
  }

  @Override
  public void close() {
    if (door != null) {
      door.close();
    }
  }
}
