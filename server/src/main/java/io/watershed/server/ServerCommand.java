package io.watershed.server;

import io.watershed.server.config.ConfigException;
import io.watershed.server.config.ConfigKeys;
import io.watershed.server.config.ConfigLoader;
import io.watershed.server.config.ServerConfig;
import io.watershed.server.config.Setting;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code watershed server}: loads the configuration, starts the server, runs until signalled. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Start the Watershed server and run until SIGTERM or Ctrl-C.",
      "",
      "Configuration comes from, in increasing precedence: defaults, the YAML file (--config or"
          + " WATERSHED_CONFIG), environment variables WATERSHED_<KEY> (key upper case, dots as"
          + " '_', e.g. WATERSHED_LOG_FLUSH), and these flags.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 stopped cleanly, 1 runtime failure (e.g. a port in use), 2 bad usage or"
          + " configuration."
    })
final class ServerCommand implements Callable<Integer> {
  /** How long a signalled shutdown may take before the process exits anyway. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML configuration file (env WATERSHED_CONFIG).")
  Path configFile;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "data.dir: where data is stored (default ./data, relative to the cwd).")
  String dataDir;

  @Option(
      names = "--bind-host",
      paramLabel = "HOST",
      description = "bind.host: address every listener binds to (default 127.0.0.1).")
  String bindHost;

  @Option(
      names = "--advertised-host",
      paramLabel = "HOST",
      description =
          "advertised.host: host name given to clients (default the bind host, or localhost when"
              + " binding 0.0.0.0).")
  String advertisedHost;

  @Option(
      names = "--kafka-port",
      paramLabel = "PORT",
      description = "kafka.port: Kafka protocol (default 9092; 0 = any free port).")
  String kafkaPort;

  @Option(
      names = "--eventstore-port",
      paramLabel = "PORT",
      description = "eventstore.port: EventStoreDB/KurrentDB gRPC (default 2113).")
  String eventstorePort;

  @Option(
      names = "--kinesis-port",
      paramLabel = "PORT",
      description = "kinesis.port: Kinesis Data Streams API (default 4567).")
  String kinesisPort;

  @Option(
      names = "--pulsar-port",
      paramLabel = "PORT",
      description = "pulsar.port: Pulsar binary protocol (default 6650).")
  String pulsarPort;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description = "http.port: health, console, metrics (default 8080).")
  String httpPort;

  @Option(
      names = "--log-flush",
      paramLabel = "POLICY",
      description = "log.flush: durable (default) | interval:<ms> | os.")
  String logFlush;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Any configuration key, e.g. --set log.segment.bytes=1073741824 (repeatable).")
  Map<String, String> sets = new LinkedHashMap<>();

  @Option(
      names = "--ports-file",
      paramLabel = "FILE",
      description =
          "Once started, write the bound ports as JSON ({\"http\":8080}) to FILE; useful with"
              + " port 0.")
  Path portsFile;

  @Override
  public Integer call() {
    ServerConfig config;
    try {
      config = ConfigLoader.load(configFile, System.getenv(), flags());
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("watershed: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return Main.EXIT_USAGE;
    }
    if (portsFile != null) {
      config = config.withPortsFile(portsFile.toAbsolutePath());
    }
    return run(config);
  }

  List<Setting> flags() {
    List<Setting> flags = new ArrayList<>();
    sets.forEach((key, value) -> flags.add(Setting.set(key.strip(), value)));
    addFlag(flags, ConfigKeys.DATA_DIR, dataDir);
    addFlag(flags, ConfigKeys.BIND_HOST, bindHost);
    addFlag(flags, ConfigKeys.ADVERTISED_HOST, advertisedHost);
    addFlag(flags, ConfigKeys.portKey("kafka"), kafkaPort);
    addFlag(flags, ConfigKeys.portKey("eventstore"), eventstorePort);
    addFlag(flags, ConfigKeys.portKey("kinesis"), kinesisPort);
    addFlag(flags, ConfigKeys.portKey("pulsar"), pulsarPort);
    addFlag(flags, ConfigKeys.portKey("http"), httpPort);
    addFlag(flags, ConfigKeys.LOG_FLUSH, logFlush);
    return flags;
  }

  private static void addFlag(List<Setting> flags, String key, String value) {
    if (value != null) {
      flags.add(Setting.flag(key, value));
    }
  }

  /** Starts the server and blocks until a signal stops it; returns the exit code. */
  static int run(ServerConfig config) {
    Logger log = LoggerFactory.getLogger(ServerCommand.class);
    config.warnings().forEach(log::warn);
    log.info(
        "watershed {} starting: data dir {}, log.flush {}, bind {}",
        Version.get(),
        config.dataDir(),
        config.logFlush(),
        config.bindHost());

    Server server = Server.assemble(config);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, log), "watershed-shutdown"));
    try {
      server.start();
    } catch (Exception e) {
      if (e instanceof IOException) {
        log.error("start-up failed: {}", describe(e)); // environment problem: no stack trace
      } else {
        log.error("start-up failed: {}", describe(e), e);
      }
      server.close();
      return Main.EXIT_FAILURE;
    }
    log.info(
        "started in {} ms, listening on {}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - Main.START_NANOS),
        server.boundPorts());
    try {
      server.awaitStopped();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return Main.EXIT_OK;
  }

  /**
   * Shutdown hook (SIGTERM, SIGINT): closes the server within {@link #STOP_TIMEOUT} and exits 0 if
   * it stopped cleanly, 1 otherwise. Does nothing if the server was already stopped by the main
   * thread, so that an exit code chosen there (e.g. 1 after a failed start) is kept.
   */
  private static void stop(Server server, Logger log) {
    if (server.isStopped()) {
      return;
    }
    log.info("stopping");
    long t0 = System.nanoTime();
    boolean clean = server.closeWithin(STOP_TIMEOUT);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    if (clean) {
      log.info("stopped in {} ms", ms);
    } else {
      log.error("did not stop cleanly within {} s; exiting anyway", STOP_TIMEOUT.toSeconds());
    }
    // The JVM would exit with 128+signal after the hooks; a clean stop on SIGTERM is success.
    Runtime.getRuntime().halt(clean ? Main.EXIT_OK : Main.EXIT_FAILURE);
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.toString() : message;
  }
}
