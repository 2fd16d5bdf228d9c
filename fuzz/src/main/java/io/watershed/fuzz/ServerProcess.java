package io.watershed.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server as a user runs it: a separate JVM ({@code io.watershed.server.Main server}) on free
 * loopback ports, with a data directory that outlives it so that a campaign can stop, kill and
 * restart it. Each start writes its output to its own log file under {@code logDir}, which the
 * oracles read.
 */
public final class ServerProcess implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /** Servers still running, killed when the harness exits however it exits (Ctrl-C included). */
  private static final java.util.Set<Process> RUNNING =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "kill-servers"));
  }

  private final Path dataDir;
  private final Path logDir;
  private final List<String> extraArgs;
  private final List<Path> logFiles = new ArrayList<>();
  private Process process;
  private JsonNode ports;

  public ServerProcess(Path dataDir, Path logDir, List<String> extraArgs) {
    this.dataDir = dataDir;
    this.logDir = logDir;
    this.extraArgs = List.copyOf(extraArgs);
  }

  /** Starts the server and waits until every door listens and storage has recovered. */
  public void start() throws IOException, InterruptedException {
    Files.createDirectories(dataDir);
    Files.createDirectories(logDir);
    Path portsFile = dataDir.resolveSibling(dataDir.getFileName() + "-ports.json");
    Files.deleteIfExists(portsFile);
    Path logFile = logDir.resolve("server-" + (logFiles.size() + 1) + ".log");
    logFiles.add(logFile);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-XX:+UseG1GC");
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    // Every exception keeps its message and stack trace however often it is thrown (HotSpot drops
    // them for hot implicit exceptions), so that each ERROR line names its cause.
    cmd.add("-XX:-OmitStackTraceInFastThrow");
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(launch());
    cmd.add("server");
    cmd.addAll(List.of("--data-dir", dataDir.toString(), "--bind-host", "127.0.0.1"));
    for (String door : List.of("kafka", "eventstore", "kinesis", "pulsar", "http")) {
      cmd.addAll(List.of("--" + door + "-port", "0"));
    }
    cmd.addAll(List.of("--ports-file", portsFile.toString()));
    cmd.addAll(extraArgs);
    process =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    RUNNING.add(process);
    process.onExit().thenAccept(RUNNING::remove);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!Files.exists(portsFile)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "server exited with " + process.exitValue() + ":\n" + tail(logFile));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("server did not start in time:\n" + tail(logFile));
      }
      Thread.sleep(25);
    }
    ports = new ObjectMapper().readTree(portsFile.toFile());
    while (readyStatus() != 200) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("server not ready in time:\n" + tail(logFile));
      }
      Thread.sleep(50);
    }
  }

  /**
   * How the JVM is told what to run: the server's runnable jar, as {@code bin/watershed} runs it,
   * when {@code watershed.server.jar} names it (surefire and {@code bin/fuzz} set it), else this
   * JVM's class path.
   */
  private static List<String> launch() {
    String jar = System.getProperty("watershed.server.jar");
    if (jar != null && Files.isRegularFile(Path.of(jar))) {
      return List.of("-jar", jar);
    }
    return List.of("-cp", System.getProperty("java.class.path"), "io.watershed.server.Main");
  }

  public int port(Door door) {
    return ports.get(door.portName()).asInt();
  }

  public int httpPort() {
    return ports.get("http").asInt();
  }

  public String kafkaBootstrap() {
    return "127.0.0.1:" + port(Door.KAFKA);
  }

  public Path dataDir() {
    return dataDir;
  }

  public long pid() {
    return process.pid();
  }

  /** The log files of every start so far, oldest first. */
  public List<Path> logFiles() {
    return List.copyOf(logFiles);
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** The HTTP status of {@code GET /health}, or -1 when it does not answer within 5 s. */
  public int healthStatus() {
    return get("/health");
  }

  private int readyStatus() {
    return get("/ready");
  }

  private int get(String path) {
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path))
              .timeout(Duration.ofSeconds(5))
              .build();
      return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** SIGTERM and wait for the clean exit; returns the exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
      throw new IllegalStateException("server did not stop within 60 s of SIGTERM");
    }
    return process.exitValue();
  }

  /** SIGKILL: no shutdown hook, no flush, no clean-shutdown marker. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The last lines of a log file, for failure messages. */
  public static String tail(Path logFile) {
    try {
      List<String> lines = Files.readAllLines(logFile);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      } catch (IllegalStateException e) {
        process.destroyForcibly();
      }
    }
  }
}
