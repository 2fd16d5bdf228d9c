package io.watershed.server;

import io.watershed.server.admin.AdminApi;
import io.watershed.server.admin.AdminContext;
import io.watershed.server.config.ServerConfig;
import io.watershed.server.eventstore.EventStoreService;
import io.watershed.server.http.DataDirCheck;
import io.watershed.server.http.HealthHandler;
import io.watershed.server.http.HttpService;
import io.watershed.server.http.MetricsHandler;
import io.watershed.server.http.PartitionsCheck;
import io.watershed.server.http.ReadyHandler;
import io.watershed.server.http.StaticFiles;
import io.watershed.server.kafka.KafkaService;
import io.watershed.server.kinesis.KinesisService;
import io.watershed.server.metrics.Metrics;
import io.watershed.server.storage.StorageService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server process: a list of {@link Service}s started in order and closed in reverse order. The
 * only place that wires the modules together is {@link #assemble(ServerConfig)}.
 */
public final class Server {
  private static final Logger log = LoggerFactory.getLogger(Server.class);

  private final ServerConfig config;
  private final List<Service> services;
  private final List<Service> started = new ArrayList<>();
  private final CountDownLatch stoppedLatch = new CountDownLatch(1);
  private final Map<String, Integer> boundPorts = new LinkedHashMap<>();
  private boolean startCalled;
  private volatile boolean stopped;
  private volatile boolean cleanStop = true;
  private volatile boolean ready;
  private volatile Map<String, Integer> portsSnapshot = Map.of();

  public Server(ServerConfig config, List<Service> services) {
    this.config = config;
    this.services = List.copyOf(services);
  }

  /** The front doors, by listener name; {@link #assemble(ServerConfig, Set)} may leave some out. */
  public static final Set<String> FRONT_DOORS = Set.of("kafka", "kinesis", "eventstore");

  /**
   * Builds the services of a server from its configuration, in start-up order: the event loops the
   * Netty doors share (closed last), then HTTP, so that {@code /health} answers while storage
   * recovers and {@code /ready} can tell when every front door is listening; then storage; then the
   * front doors.
   */
  public static Server assemble(ServerConfig config) {
    return assemble(config, FRONT_DOORS);
  }

  /**
   * {@link #assemble(ServerConfig)} with only some of the {@link #FRONT_DOORS}, for an embedded
   * node that needs fewer (each door costs start-up time). A door left out does not listen; the
   * admin API answers 503 for what it serves, as it does before a door has started.
   */
  public static Server assemble(ServerConfig config, Set<String> doors) {
    if (!FRONT_DOORS.containsAll(doors)) {
      throw new IllegalArgumentException(
          "unknown front door in " + doors + "; known " + FRONT_DOORS);
    }
    Metrics metrics = new Metrics();
    EventLoopService loops = new EventLoopService();
    StorageService storage = new StorageService(config);
    KafkaService kafka = new KafkaService(config, storage, loops, metrics.door("kafka"));
    KinesisService kinesis = new KinesisService(config, storage, loops, metrics.door("kinesis"));
    EventStoreService eventStore =
        new EventStoreService(config, storage, metrics.door("eventstore"));
    HttpService http = new HttpService(config.bindHost(), config.httpPort(), loops);
    http.observeRequests(metrics.http());

    List<Service> services = new ArrayList<>(List.of(loops, http, storage));
    for (Service door : List.of(kafka, kinesis, eventStore)) {
      if (doors.contains(door.name())) {
        services.add(door);
      }
    }
    Server server = new Server(config, services);

    Map<String, IntSupplier> connections = new LinkedHashMap<>();
    connections.put(
        "kafka", () -> kafka.door() == null ? -1 : kafka.door().broker().openConnections());
    connections.put(
        "kinesis", () -> kinesis.door() == null ? -1 : kinesis.door().openConnections());
    connections.put(
        "eventstore", () -> eventStore.door() == null ? -1 : eventStore.door().openConnections());
    metrics.bind(
        new Metrics.Sources(
            storage::topicsIfStarted,
            () -> kafka.door() == null ? null : kafka.door().groups(),
            eventStore::store,
            eventStore::subscriptions,
            storage::coordinatorsIfStarted,
            connections));

    Executor blocking = http.blockingExecutor();
    http.routes()
        .get(
            "/health",
            new HealthHandler(
                List.of(
                    new DataDirCheck(config.dataDir(), blocking),
                    new PartitionsCheck(
                        () -> {
                          var topics = storage.topicsIfStarted();
                          return topics == null ? null : topics.logs();
                        }))))
        .get("/ready", new ReadyHandler(server::isReady, server::isStopped, server::boundPorts))
        .get("/metrics", new MetricsHandler(metrics, blocking));
    AdminApi.register(
        http.routes(),
        new AdminContext(storage, kafka, eventStore, kinesis, server::isReady),
        config,
        metrics,
        blocking,
        server::boundPorts,
        connections);
    StaticFiles console = new StaticFiles("io/watershed/server/console", "index.html");
    http.routes().get("/", console).get("/console/{file*}", console);
    return server;
  }

  public ServerConfig config() {
    return config;
  }

  public List<Service> services() {
    return services;
  }

  /**
   * Creates the data directory, starts every service in order and writes the ports file. If a
   * service fails to start, those already started are closed in reverse order and the failure is
   * rethrown.
   */
  public synchronized void start() throws Exception {
    if (startCalled) {
      throw new IllegalStateException("already started");
    }
    startCalled = true;
    try {
      createDataDir(config.dataDir());
      for (Service service : services) {
        log.debug("starting {}", service.name());
        service.start();
        started.add(service);
        boundPorts.putAll(service.boundPorts());
        portsSnapshot = Map.copyOf(boundPorts);
      }
      if (config.portsFile().isPresent()) {
        writePortsFile(config.portsFile().get(), boundPorts);
      }
      ready = true;
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** Whether every service has started (and the server is not stopping). */
  public boolean isReady() {
    return ready && !stopped;
  }

  /** The ports the started services listen on ({@code http} → 8080). */
  public Map<String, Integer> boundPorts() {
    // Without the lock, which start() holds for all of a (possibly long) recovery.
    return portsSnapshot;
  }

  /**
   * Closes the started services in reverse order. A failing close is logged and the others are
   * still closed. Safe to call more than once and from any thread.
   */
  public synchronized void close() {
    if (stopped && started.isEmpty()) {
      stoppedLatch.countDown();
      return;
    }
    stopped = true;
    ready = false;
    for (int i = started.size() - 1; i >= 0; i--) {
      Service service = started.get(i);
      try {
        log.debug("closing {}", service.name());
        service.close();
      } catch (Exception e) {
        cleanStop = false;
        log.warn("closing {} failed: {}", service.name(), e.toString(), e);
      }
    }
    started.clear();
    stoppedLatch.countDown();
  }

  /**
   * Closes the server on another thread and waits at most {@code timeout} for it.
   *
   * @return true if every service closed cleanly in time
   */
  public boolean closeWithin(Duration timeout) {
    Thread closer = new Thread(this::close, "watershed-stop");
    closer.setDaemon(true);
    closer.start();
    try {
      if (!closer.join(timeout)) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return cleanStop;
  }

  /** Whether {@link #close()} has been called (or start failed). */
  public boolean isStopped() {
    return stopped;
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitStopped() throws InterruptedException {
    stoppedLatch.await();
  }

  private static void createDataDir(Path dir) throws IOException {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException("cannot create data directory " + dir + ": " + e, e);
    }
  }

  /** Writes {@code {"http":8080,...}} atomically (temp file + rename). */
  static void writePortsFile(Path file, Map<String, Integer> ports) throws IOException {
    StringBuilder json = new StringBuilder("{");
    for (Map.Entry<String, Integer> e : ports.entrySet()) {
      if (json.length() > 1) {
        json.append(',');
      }
      json.append('"').append(e.getKey()).append("\":").append(e.getValue());
    }
    json.append("}\n");
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
      try {
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(
            tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new IOException("cannot write ports file " + file + ": " + e, e);
    }
  }
}
