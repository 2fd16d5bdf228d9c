package io.watershed.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code watershed server} as a child JVM, as a user or a service manager would. */
class ServerProcessTest {
  @TempDir Path tmp;

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    processes.forEach(Process::destroyForcibly);
  }

  /**
   * Launches {@code watershed ARGS} with every listener but HTTP on a free port (the tests set the
   * HTTP port themselves), so that a server already running on a default port cannot interfere.
   */
  private Process launch(Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1"); // faster start for a short-lived test JVM
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    for (String door : List.of("kafka", "eventstore", "kinesis", "pulsar")) {
      command.addAll(List.of("--" + door + "-port", "0"));
    }
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("WATERSHED_"));
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  @Test
  void servesHealthAndStopsCleanlyOnSigterm() throws Exception {
    Path ports = tmp.resolve("ports.json");
    Path log = tmp.resolve("server.log");
    Path data = tmp.resolve("data");
    Process server =
        launch(
            log,
            "server",
            "--data-dir",
            data.toString(),
            "--http-port",
            "0",
            "--ports-file",
            ports.toString());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!Files.exists(ports)) {
      assertThat(server.isAlive()).as("server alive; log:%n%s", read(log)).isTrue();
      assertThat(System.nanoTime()).as("ports file written in time").isLessThan(deadline);
      Thread.sleep(20);
    }
    int httpPort = new ObjectMapper().readTree(ports.toFile()).get("http").asInt();
    assertThat(httpPort).isPositive();

    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> health =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"UP\"");
    }
    assertThat(data).isDirectory();

    server.destroy(); // SIGTERM
    assertThat(server.waitFor(10, TimeUnit.SECONDS)).as("exited within 10 s").isTrue();
    String output = read(log);
    assertThat(server.exitValue()).as("exit code; log:%n%s", output).isZero();
    assertThat(output).contains("HTTP listening on 127.0.0.1:" + httpPort).contains("stopped in");
    assertThat(data.resolve("log").resolve(".clean-shutdown")).as("clean-shutdown marker").exists();
  }

  @Test
  void portInUseIsARuntimeFailure() throws Exception {
    Path log = tmp.resolve("server.log");
    try (ServerSocket taken = new ServerSocket(0)) {
      Process server =
          launch(
              log,
              "server",
              "--data-dir",
              tmp.resolve("data").toString(),
              "--http-port",
              String.valueOf(taken.getLocalPort()));
      assertThat(server.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(server.exitValue()).as("exit code; log:%n%s", read(log)).isEqualTo(1);
      assertThat(read(log)).contains("cannot listen for HTTP on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  private static String read(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
