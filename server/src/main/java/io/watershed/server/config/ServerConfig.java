package io.watershed.server.config;

import io.watershed.log.FlushPolicy;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The validated configuration of one server process. Built by {@link ConfigLoader} from defaults,
 * the YAML file, the environment and the command line (in increasing precedence).
 */
public final class ServerConfig {
  public static final String DEFAULT_DATA_DIR = "./data";
  public static final String DEFAULT_BIND_HOST = "127.0.0.1";

  /** Default port of each listener, in {@link ConfigKeys#DOORS} order. */
  public static final Map<String, Integer> DEFAULT_PORTS = defaultPorts();

  private final Path dataDir;
  private final String bindHost;
  private final String advertisedHost;
  private final Map<String, Integer> ports;
  private final FlushPolicy logFlush;
  private final Map<String, String> logDefaults;
  private final Map<String, String> doorSettings;
  private final Path portsFile;
  private final List<String> warnings;

  ServerConfig(
      Path dataDir,
      String bindHost,
      String advertisedHost,
      Map<String, Integer> ports,
      FlushPolicy logFlush,
      Map<String, String> logDefaults,
      Map<String, String> doorSettings,
      Path portsFile,
      List<String> warnings) {
    this.dataDir = Objects.requireNonNull(dataDir);
    this.bindHost = Objects.requireNonNull(bindHost);
    this.advertisedHost = Objects.requireNonNull(advertisedHost);
    this.ports = Collections.unmodifiableMap(new LinkedHashMap<>(ports));
    this.logFlush = Objects.requireNonNull(logFlush);
    this.logDefaults = Collections.unmodifiableMap(new TreeMap<>(logDefaults));
    this.doorSettings = Collections.unmodifiableMap(new TreeMap<>(doorSettings));
    this.portsFile = portsFile;
    this.warnings = List.copyOf(warnings);
  }

  /** The configuration with every default and nothing else. */
  public static ServerConfig defaults() {
    try {
      return ConfigLoader.load(null, Map.of(), List.of());
    } catch (ConfigException e) {
      throw new AssertionError("defaults must be valid", e);
    }
  }

  /** {@code data.dir}, absolute. */
  public Path dataDir() {
    return dataDir;
  }

  /** {@code bind.host}: the address every listener binds to. */
  public String bindHost() {
    return bindHost;
  }

  /** {@code advertised.host}: the host name clients are told to connect to. */
  public String advertisedHost() {
    return advertisedHost;
  }

  /** Configured port of a listener ({@code kafka}, {@code http}, …); 0 means any free port. */
  public int port(String door) {
    Integer port = ports.get(door);
    if (port == null) {
      throw new IllegalArgumentException("no such listener: " + door);
    }
    return port;
  }

  /** Every listener's configured port, in {@link ConfigKeys#DOORS} order. */
  public Map<String, Integer> ports() {
    return ports;
  }

  public int kafkaPort() {
    return port("kafka");
  }

  public int eventstorePort() {
    return port("eventstore");
  }

  public int kinesisPort() {
    return port("kinesis");
  }

  public int pulsarPort() {
    return port("pulsar");
  }

  public int httpPort() {
    return port("http");
  }

  /** {@code log.flush}, parsed. */
  public FlushPolicy logFlush() {
    return logFlush;
  }

  /**
   * Every {@code log.*} key with its raw string value, for the log engine (which validates the keys
   * it knows). Full keys ({@code log.segment.bytes}); always contains {@code log.flush} in its
   * canonical form.
   */
  public Map<String, String> logDefaults() {
    return logDefaults;
  }

  /**
   * A front door's (or the coordinator runtime's) own settings, by full key ({@code
   * kafka.num.partitions}), as given; the door validates them ({@link KafkaSettings}).
   */
  public Map<String, String> doorSettings(String door) {
    Map<String, String> out = new TreeMap<>();
    doorSettings.forEach(
        (k, v) -> {
          if (k.startsWith(door + ".")) {
            out.put(k, v);
          }
        });
    return out;
  }

  /** Every front door's own settings as given, by full key. */
  public Map<String, String> doorSettings() {
    return doorSettings;
  }

  /** Where to write the actually bound ports as JSON once started ({@code --ports-file}). */
  public Optional<Path> portsFile() {
    return Optional.ofNullable(portsFile);
  }

  public ServerConfig withPortsFile(Path file) {
    return new ServerConfig(
        dataDir,
        bindHost,
        advertisedHost,
        ports,
        logFlush,
        logDefaults,
        doorSettings,
        file,
        warnings);
  }

  /** Problems that did not stop loading (unknown keys), one line each, to be logged. */
  public List<String> warnings() {
    return warnings;
  }

  @Override
  public String toString() {
    return "ServerConfig{dataDir="
        + dataDir
        + ", bindHost="
        + bindHost
        + ", advertisedHost="
        + advertisedHost
        + ", ports="
        + ports
        + ", logFlush="
        + logFlush
        + ", logDefaults="
        + logDefaults
        + "}";
  }

  private static Map<String, Integer> defaultPorts() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("kafka", 9092);
    ports.put("eventstore", 2113);
    ports.put("kinesis", 4567);
    ports.put("pulsar", 6650);
    ports.put("http", 8080);
    if (!ports.keySet().equals(new java.util.HashSet<>(ConfigKeys.DOORS))) {
      throw new AssertionError("DEFAULT_PORTS and ConfigKeys.DOORS disagree");
    }
    return Collections.unmodifiableMap(ports);
  }
}
