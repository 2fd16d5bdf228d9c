package io.watershed.embedded;

import io.watershed.log.DurableFiles;
import io.watershed.server.Server;
import io.watershed.server.config.ConfigException;
import io.watershed.server.config.ConfigKeys;
import io.watershed.server.config.ConfigLoader;
import io.watershed.server.config.ServerConfig;
import io.watershed.server.config.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Watershed node inside the caller's JVM, for tests: the Kafka, Kinesis and event-store front
 * doors (or those {@link Builder#doors(Door, Door...)} names) and the admin HTTP API, each on a
 * free port of 127.0.0.1, the data in a fresh temporary directory that {@link #close()} deletes.
 *
 * <pre>{@code
 * try (EmbeddedWatershed watershed = EmbeddedWatershed.builder().start()) {
 *   producerProps.put("bootstrap.servers", watershed.kafkaBootstrapServers());
 *   ...
 * }
 * }</pre>
 *
 * <p>Settings that differ from the server's defaults, because tests want them (each can be
 * overridden with {@link Builder#setting(String, String)}):
 *
 * <ul>
 *   <li>{@code kafka.group.initial.rebalance.delay.ms=0}: a consumer group forms as soon as its
 *       members have joined, instead of waiting 3 s for more;
 *   <li>{@code log.flush=os}: appends are acknowledged once written to the operating system, not
 *       after an fsync; the data outlives the node and the JVM, not a machine crash;
 *   <li>{@code coordinator.shards=1}: one partition of the coordinators' topic instead of 8, so
 *       that the first start creates fewer files.
 * </ul>
 *
 * <p>Instances are safe to use from several threads; {@link #start()} and {@link #close()} may each
 * be called once (a second {@code close()} does nothing).
 */
public final class EmbeddedWatershed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedWatershed.class);

  /** The address every listener binds to and clients are given. */
  public static final String HOST = "127.0.0.1";

  /** The settings {@link Builder} starts from; see the class comment for why. */
  public static final Map<String, String> TEST_DEFAULTS =
      Map.of(
          "kafka.group.initial.rebalance.delay.ms",
          "0",
          ConfigKeys.LOG_FLUSH,
          "os",
          "coordinator.shards",
          "1");

  private static final String NETTY_JFR = "io.netty.jfr.enabled";

  private final ServerConfig config;
  private final Set<Door> doors;
  private final boolean ownsDataDir;
  private Server server;
  private Map<String, Integer> ports = Map.of();
  private Duration startTime;
  private boolean closed;

  private EmbeddedWatershed(ServerConfig config, Set<Door> doors, boolean ownsDataDir) {
    this.config = config;
    this.doors = Collections.unmodifiableSet(EnumSet.copyOf(doors));
    this.ownsDataDir = ownsDataDir;
  }

  /** A builder with every front door on, a temporary data directory and {@link #TEST_DEFAULTS}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the node: opens the storage and binds every listener. Returns when each front door
   * accepts connections.
   *
   * @throws IllegalStateException if it was started before, or closed
   * @throws EmbeddedWatershedException if the node did not start (the temporary directory is
   *     deleted)
   */
  public synchronized EmbeddedWatershed start() {
    if (server != null || closed) {
      throw new IllegalStateException(closed ? "closed" : "already started");
    }
    // As the server's main does, and for the same reason: Netty's JFR events cost a few hundred
    // milliseconds on a node's first request. Only when the JVM was not told otherwise.
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
    config.warnings().forEach(log::warn);
    long t0 = System.nanoTime();
    Set<String> listeners = new HashSet<>();
    doors.forEach(door -> listeners.add(door.listener()));
    server = Server.assemble(config, listeners);
    try {
      server.start();
    } catch (Exception e) {
      close();
      throw new EmbeddedWatershedException(
          "Watershed did not start (data dir " + config.dataDir() + "): " + e.getMessage(), e);
    }
    startTime = Duration.ofNanos(System.nanoTime() - t0);
    ports = Map.copyOf(server.boundPorts());
    log.info(
        "embedded Watershed started in {} ms, listening on {}, data dir {}",
        startTime.toMillis(),
        ports,
        config.dataDir());
    return this;
  }

  /** {@code 127.0.0.1:<port>}, for the Kafka clients' {@code bootstrap.servers}. */
  public String kafkaBootstrapServers() {
    return HOST + ":" + port("kafka");
  }

  /**
   * {@code http://127.0.0.1:<port>}, for the AWS SDK's {@code endpointOverride} (any region, any
   * credentials: signatures are not checked unless {@code kinesis.access.key.id} and {@code
   * kinesis.secret.access.key} are set).
   */
  public URI kinesisEndpoint() {
    return URI.create("http://" + HOST + ":" + port("kinesis"));
  }

  /** {@code kurrentdb://127.0.0.1:<port>?tls=false}, for the KurrentDB and EventStoreDB clients. */
  public String eventStoreConnectionString() {
    return "kurrentdb://" + HOST + ":" + port("eventstore") + "?tls=false";
  }

  /**
   * {@code http://127.0.0.1:<port>/}: health, readiness, metrics, the admin API and the console,
   * e.g. {@code httpUri().resolve("ready")}.
   */
  public URI httpUri() {
    return URI.create("http://" + HOST + ":" + port("http") + "/");
  }

  public int kafkaPort() {
    return port("kafka");
  }

  public int kinesisPort() {
    return port("kinesis");
  }

  public int eventStorePort() {
    return port("eventstore");
  }

  public int httpPort() {
    return port("http");
  }

  /** Every listener's bound port by name ({@code kafka}, {@code eventstore}, …), once started. */
  public synchronized Map<String, Integer> boundPorts() {
    requireStarted();
    return ports;
  }

  /** The front doors this node has. */
  public Set<Door> doors() {
    return doors;
  }

  /** Where the node keeps its data: the temporary directory, or the one given to the builder. */
  public Path dataDir() {
    return config.dataDir();
  }

  /** How long {@link #start()} took. */
  public synchronized Duration startTime() {
    requireStarted();
    return startTime;
  }

  /** Whether {@link #start()} succeeded and {@link #close()} has not been called. */
  public synchronized boolean isRunning() {
    return server != null && !closed;
  }

  /**
   * Stops the node and, if the builder made the data directory, deletes it. Does nothing the second
   * time.
   *
   * @throws UncheckedIOException if the temporary directory could not be deleted
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (server != null) {
      server.close();
    }
    if (ownsDataDir) {
      deleteTree(config.dataDir());
    }
  }

  @Override
  public String toString() {
    return "EmbeddedWatershed{ports=" + ports + ", dataDir=" + config.dataDir() + "}";
  }

  private synchronized int port(String listener) {
    requireStarted();
    Integer port = ports.get(listener);
    if (port == null) {
      throw new IllegalStateException(
          "no " + listener + " listener: this node's front doors are " + doors);
    }
    return port;
  }

  private void requireStarted() {
    if (server == null || startTime == null) {
      throw new IllegalStateException("not started: call start() first");
    }
  }

  static void deleteTree(Path root) {
    try {
      DurableFiles.deleteTree(root);
    } catch (NoSuchFileException e) {
      // already gone: nothing to delete
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /** Configures an {@link EmbeddedWatershed}; {@link #build()} or {@link #start()} it. */
  public static final class Builder {
    private Path dataDir;
    private final Map<String, String> settings = new LinkedHashMap<>(TEST_DEFAULTS);
    private Set<Door> doors = EnumSet.allOf(Door.class);

    private Builder() {}

    /**
     * Keeps the data in {@code dir} (created if missing) instead of a temporary directory, and
     * leaves it there on {@link EmbeddedWatershed#close()}: e.g. to restart a node on the same
     * data.
     */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /**
     * Any server configuration key, as {@code watershed server --set KEY=VALUE} takes it, e.g.
     * {@code setting("kafka.num.partitions", "3")}; overrides {@link #TEST_DEFAULTS}. The keys
     * {@code data.dir}, {@code bind.host}, {@code advertised.host} and the {@code *.port} keys
     * belong to the builder and are refused.
     */
    public Builder setting(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      String k = key.strip();
      if (k.equals(ConfigKeys.DATA_DIR)) {
        throw new IllegalArgumentException("use dataDir(Path) for " + k);
      }
      if (k.equals(ConfigKeys.BIND_HOST)
          || k.equals(ConfigKeys.ADVERTISED_HOST)
          || ConfigKeys.DOORS.stream().map(ConfigKeys::portKey).anyMatch(k::equals)) {
        throw new IllegalArgumentException(
            k + " is chosen by EmbeddedWatershed (" + HOST + ", free ports)");
      }
      settings.put(k, value);
      return this;
    }

    /**
     * Only these front doors instead of all three: each one left out starts faster (in a fresh JVM
     * the event-store door, with its gRPC server and RocksDB index, is the dearest) and opens no
     * port. The admin HTTP API is always there.
     */
    public Builder doors(Door first, Door... more) {
      doors = EnumSet.of(first, more);
      return this;
    }

    /** {@link #doors(Door, Door...)} from a collection, which must not be empty. */
    public Builder doors(Collection<Door> doors) {
      if (doors.isEmpty()) {
        throw new IllegalArgumentException("at least one front door");
      }
      this.doors = EnumSet.copyOf(doors);
      return this;
    }

    /** Every entry as {@link #setting(String, String)}. */
    public Builder settings(Map<String, String> more) {
      more.forEach(this::setting);
      return this;
    }

    /**
     * The node, not started yet. Makes the temporary data directory if none was given.
     *
     * @throws IllegalArgumentException if a setting is invalid (unknown keys are only logged)
     */
    public EmbeddedWatershed build() {
      List<Setting> all = new ArrayList<>();
      settings.forEach((k, v) -> all.add(Setting.set(k, v)));
      all.add(Setting.flag(ConfigKeys.BIND_HOST, HOST));
      all.add(Setting.flag(ConfigKeys.ADVERTISED_HOST, HOST));
      for (String door : ConfigKeys.DOORS) {
        all.add(Setting.flag(ConfigKeys.portKey(door), "0"));
      }
      boolean temporary = dataDir == null;
      Path dir;
      try {
        dir = temporary ? Files.createTempDirectory("watershed-embedded-") : dataDir;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a temporary data directory", e);
      }
      all.add(Setting.flag(ConfigKeys.DATA_DIR, dir.toAbsolutePath().toString()));
      try {
        // The environment is left out on purpose: a WATERSHED_* variable meant for a server on
        // this machine must not change what a test runs against.
        return new EmbeddedWatershed(ConfigLoader.load(null, Map.of(), all), doors, temporary);
      } catch (ConfigException e) {
        if (temporary) {
          deleteTree(dir);
        }
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    /** {@link #build()} and {@link EmbeddedWatershed#start()}. */
    public EmbeddedWatershed start() {
      return build().start();
    }
  }
}
