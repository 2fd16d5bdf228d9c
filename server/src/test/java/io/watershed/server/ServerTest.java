package io.watershed.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.server.config.ConfigLoader;
import io.watershed.server.config.ServerConfig;
import io.watershed.server.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTest {
  @TempDir Path tmp;

  private final List<String> events = new ArrayList<>();

  private ServerConfig config() throws Exception {
    return ConfigLoader.load(
            null, Map.of(), List.of(Setting.flag("data.dir", tmp.resolve("data").toString())))
        .withPortsFile(tmp.resolve("ports.json"));
  }

  private Service service(String name, boolean failOnStart, int port) {
    return new Service() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void start() {
        if (failOnStart) {
          throw new IllegalStateException(name + " cannot start");
        }
        events.add("start " + name);
      }

      @Override
      public void close() {
        events.add("close " + name);
      }

      @Override
      public Map<String, Integer> boundPorts() {
        return port < 0 ? Map.of() : Map.of(name, port);
      }
    };
  }

  @Test
  void assemblesOnlyTheFrontDoorsAsked() throws Exception {
    assertThat(Server.assemble(config()).services())
        .extracting(Service::name)
        .containsExactly("event-loops", "http", "storage", "kafka", "kinesis", "eventstore");
    assertThat(Server.assemble(config(), Set.of("eventstore", "kafka")).services())
        .extracting(Service::name)
        .containsExactly("event-loops", "http", "storage", "kafka", "eventstore");
    assertThatThrownBy(() -> Server.assemble(config(), Set.of("pulsar")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pulsar");
  }

  @Test
  void startsInOrderAndClosesInReverse() throws Exception {
    Server server =
        new Server(config(), List.of(service("storage", false, -1), service("kafka", false, 9999)));
    server.start();
    assertThat(tmp.resolve("data")).isDirectory();
    assertThat(Files.readString(tmp.resolve("ports.json")).strip()).isEqualTo("{\"kafka\":9999}");
    assertThat(server.isStopped()).isFalse();

    assertThat(server.closeWithin(Duration.ofSeconds(5))).isTrue();
    server.close(); // idempotent
    server.awaitStopped();
    assertThat(server.isStopped()).isTrue();
    assertThat(events)
        .containsExactly("start storage", "start kafka", "close kafka", "close storage");
  }

  @Test
  void failedStartClosesWhatStartedInReverse() throws Exception {
    Server server =
        new Server(
            config(),
            List.of(
                service("storage", false, -1),
                service("kafka", false, -1),
                service("pulsar", true, -1),
                service("http", false, -1)));
    assertThatThrownBy(server::start).hasMessage("pulsar cannot start");
    assertThat(events)
        .containsExactly("start storage", "start kafka", "close kafka", "close storage");
    assertThat(server.isStopped()).isTrue();
  }

  @Test
  void assembleStartsWithHttpThenStorage() throws Exception {
    // The shared event loops first, so that they close after every door; then HTTP: /health
    // answers while storage recovers, /ready tells when the doors listen.
    Server server = Server.assemble(config());
    assertThat(server.services())
        .extracting(Service::name)
        .containsExactly("event-loops", "http", "storage", "kafka", "kinesis", "eventstore");
  }
}
