package io.watershed.server;

import io.watershed.server.config.ServerConfig;
import io.watershed.server.http.DataDirCheck;
import io.watershed.server.http.HealthHandler;
import io.watershed.server.http.HttpService;
import io.watershed.server.kafka.KafkaService;
import io.watershed.server.kinesis.KinesisService;
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
import java.util.concurrent.CountDownLatch;
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

  public Server(ServerConfig config, List<Service> services) {
    this.config = config;
    this.services = List.copyOf(services);
  }

  /** Builds the services of a server from its configuration, in start-up order. */
  public static Server assemble(ServerConfig config) {
    List<Service> services = new ArrayList<>();

    // Storage first: started before anything that serves clients, closed after all of them.
    StorageService storage = new StorageService(config);
    services.add(storage);

    // Front doors next, each on its port bound to config.bindHost(), then HTTP last.
    services.add(new KafkaService(config, storage));
    services.add(new KinesisService(config, storage));

    HttpService http = new HttpService(config.bindHost(), config.httpPort());
    http.routes()
        .get(
            "/health",
            new HealthHandler(
                List.of(new DataDirCheck(config.dataDir(), http.blockingExecutor()))));
    services.add(http);

    return new Server(config, services);
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
      }
      if (config.portsFile().isPresent()) {
        writePortsFile(config.portsFile().get(), boundPorts);
      }
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** The ports the started services listen on ({@code http} → 8080). */
  public synchronized Map<String, Integer> boundPorts() {
    return Map.copyOf(boundPorts);
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
