package io.watershed.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server as a user runs it: a separate JVM ({@code io.watershed.server.Main server}) on free
 * loopback ports, with a data directory that outlives it so tests can restart or kill it.
 */
public final class WatershedProcess implements AutoCloseable {
  private final Path dataDir;
  private final List<String> extraArgs;
  private Process process;
  private JsonNode ports;
  private Path logFile;
  private int starts;

  public WatershedProcess(Path dataDir, String... extraArgs) {
    this.dataDir = dataDir;
    this.extraArgs = List.of(extraArgs);
  }

  /** Starts the server and waits until it serves. */
  public WatershedProcess start() throws Exception {
    Path portsFile = dataDir.resolveSibling(dataDir.getFileName() + "-ports.json");
    Files.deleteIfExists(portsFile);
    // Logs outlive the test's temp directory, for post-mortems (CI keeps target/).
    Path logs = Path.of("target", "it-logs");
    Files.createDirectories(logs);
    logFile = Files.createTempFile(logs, "server-" + (++starts) + "-", ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(launch());
    cmd.add("server");
    cmd.addAll(List.of("--data-dir", dataDir.toString(), "--bind-host", "127.0.0.1"));
    for (String door : List.of("kafka", "eventstore", "kinesis", "pulsar", "http")) {
      cmd.addAll(List.of("--" + door + "-port", "0"));
    }
    cmd.addAll(List.of("--ports-file", portsFile.toString()));
    cmd.addAll(List.of("--set", "kafka.group.initial.rebalance.delay.ms=0"));
    cmd.addAll(extraArgs);
    process =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(portsFile)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "server exited with " + process.exitValue() + ":\n" + log());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("server did not start in 60 s:\n" + log());
      }
      Thread.sleep(25);
    }
    ports = new ObjectMapper().readTree(portsFile.toFile());
    return this;
  }

  /**
   * How the JVM is told what to run: the server's runnable jar, as {@code bin/watershed} runs it,
   * when the build says where it is ({@code watershed.server.jar}, set for surefire by this
   * module's pom), else this JVM's class path (a test run from an IDE).
   */
  private static List<String> launch() {
    String jar = System.getProperty("watershed.server.jar");
    if (jar != null && Files.isRegularFile(Path.of(jar))) {
      return List.of("-jar", jar);
    }
    return List.of("-cp", System.getProperty("java.class.path"), "io.watershed.server.Main");
  }

  public String kafkaBootstrap() {
    return "127.0.0.1:" + ports.get("kafka").asInt();
  }

  /** A KurrentDB connection string for the event-store door, plaintext. */
  public String eventStoreConnectionString() {
    return "kurrentdb://127.0.0.1:" + ports.get("eventstore").asInt() + "?tls=false";
  }

  public int eventStorePort() {
    return ports.get("eventstore").asInt();
  }

  public int httpPort() {
    return ports.get("http").asInt();
  }

  public int kinesisPort() {
    return ports.get("kinesis").asInt();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The server's output so far, for failure messages. */
  public String log() {
    try {
      return logFile == null ? "" : Files.readString(logFile);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM and wait for a clean exit. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("server did not stop within 30 s");
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no flush, no clean-shutdown marker. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() {
    if (isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
