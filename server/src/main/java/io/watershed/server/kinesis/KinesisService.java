package io.watershed.server.kinesis;

import io.watershed.core.metrics.RequestObserver;
import io.watershed.kinesis.KinesisFrontDoor;
import io.watershed.server.EventLoopService;
import io.watershed.server.Service;
import io.watershed.server.config.KinesisSettings;
import io.watershed.server.config.ServerConfig;
import io.watershed.server.storage.StorageService;
import java.util.Map;

/**
 * The Kinesis front door as a service of the server, on the storage's topics; its stream catalog
 * lives on the storage's coordinator runtime.
 */
public final class KinesisService implements Service {
  /** The TLS listener's name in the bound ports ({@code --ports-file}). */
  public static final String TLS_PORT_NAME = "kinesis-tls";

  private final ServerConfig config;
  private final StorageService storage;
  private final EventLoopService loops;
  private final RequestObserver requests;
  private volatile KinesisFrontDoor door;

  /**
   * @param requests told about every Kinesis request the door answers
   */
  public KinesisService(
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
    return "kinesis";
  }

  @Override
  public void start() throws Exception {
    door =
        new KinesisFrontDoor(
            KinesisSettings.build(
                config.doorSettings("kinesis"),
                config.bindHost(),
                config.kinesisPort(),
                config.advertisedHost(),
                config.dataDir()),
            storage.topics(),
            storage.coordinators(),
            config.dataDir());
    door.observeRequests(requests);
    door.useEventLoops(loops.loops());
    try {
      door.start();
    } catch (Exception e) {
      door.close();
      throw e;
    }
  }

  /** The front door, once started. */
  public KinesisFrontDoor door() {
    return door;
  }

  @Override
  public Map<String, Integer> boundPorts() {
    if (door == null) {
      return Map.of();
    }
    return door.tlsPort() < 0
        ? Map.of("kinesis", door.port())
        : Map.of("kinesis", door.port(), TLS_PORT_NAME, door.tlsPort());
  }

  @Override
  public void close() {
    if (door != null) {
      door.close();
    }
  }
}
