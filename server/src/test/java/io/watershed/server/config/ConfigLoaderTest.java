package io.watershed.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.log.FlushPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path tmp;

  private Path yaml(String text) throws IOException {
    Path file = tmp.resolve("watershed.yaml");
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaults() throws Exception {
    ServerConfig c = ConfigLoader.load(null, Map.of(), List.of());
    assertThat(c.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
    assertThat(c.bindHost()).isEqualTo("127.0.0.1");
    assertThat(c.advertisedHost()).isEqualTo("127.0.0.1");
    assertThat(c.ports())
        .containsExactly(
            Map.entry("kafka", 9092),
            Map.entry("eventstore", 2113),
            Map.entry("kinesis", 4567),
            Map.entry("pulsar", 6650),
            Map.entry("http", 8080));
    assertThat(c.logFlush()).isEqualTo(FlushPolicy.DURABLE);
    assertThat(c.logDefaults()).containsExactly(Map.entry("log.flush", "durable"));
    assertThat(c.portsFile()).isEmpty();
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void flagsBeatEnvironmentBeatFileBeatDefaults() throws Exception {
    Path file = yaml("kafka.port: 1001\nhttp.port: 1002\npulsar.port: 1003\n");
    Map<String, String> env = Map.of("WATERSHED_KAFKA_PORT", "2001", "WATERSHED_HTTP_PORT", "2002");
    List<Setting> flags = List.of(Setting.flag("kafka.port", "3001"));

    ServerConfig c = ConfigLoader.load(file, env, flags);

    assertThat(c.kafkaPort()).isEqualTo(3001); // flag
    assertThat(c.httpPort()).isEqualTo(2002); // env
    assertThat(c.pulsarPort()).isEqualTo(1003); // file
    assertThat(c.kinesisPort()).isEqualTo(4567); // default
  }

  @Test
  void yamlMayBeNestedOrFlat() throws Exception {
    Path file =
        yaml(
            """
            data:
              dir: /srv/watershed
            bind.host: 0.0.0.0
            log:
              flush: "interval:250"
              segment.bytes: 1073741824
              retention:
                ms: 604800000
            """);
    ServerConfig c = ConfigLoader.load(file, Map.of(), List.of());
    assertThat(c.dataDir()).isEqualTo(Path.of("/srv/watershed"));
    assertThat(c.bindHost()).isEqualTo("0.0.0.0");
    assertThat(c.advertisedHost()).isEqualTo("localhost");
    assertThat(c.logFlush()).isEqualTo(new FlushPolicy.Interval(250));
    assertThat(c.logDefaults())
        .containsExactly(
            Map.entry("log.flush", "interval:250"),
            Map.entry("log.retention.ms", "604800000"),
            Map.entry("log.segment.bytes", "1073741824"));
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void environmentNamesMapToKeys() throws Exception {
    Map<String, String> env =
        Map.of(
            "WATERSHED_LOG_FLUSH", "os",
            "WATERSHED_LOG_SEGMENT_BYTES", "4096",
            "WATERSHED_DATA_DIR", tmp.toString(),
            "WATERSHED_ADVERTISED_HOST", "broker.example.com",
            "WATERSHED_JAVA_OPTS", "-Xmx1g", // the launcher's, not a key
            "WATERSHED_EMPTY", "", // empty = unset
            "PATH", "/usr/bin");
    ServerConfig c = ConfigLoader.load(null, env, List.of());
    assertThat(c.logFlush()).isEqualTo(FlushPolicy.OS);
    assertThat(c.logDefaults()).containsEntry("log.segment.bytes", "4096");
    assertThat(c.dataDir()).isEqualTo(tmp);
    assertThat(c.advertisedHost()).isEqualTo("broker.example.com");
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void configFileFromEnvironmentUnlessFlagGiven() throws Exception {
    Path fromEnv = tmp.resolve("env.yaml");
    Files.writeString(fromEnv, "http.port: 1111\n");
    Path fromFlag = tmp.resolve("flag.yaml");
    Files.writeString(fromFlag, "http.port: 2222\n");
    Map<String, String> env = Map.of("WATERSHED_CONFIG", fromEnv.toString());

    assertThat(ConfigLoader.load(null, env, List.of()).httpPort()).isEqualTo(1111);
    assertThat(ConfigLoader.load(fromFlag, env, List.of()).httpPort()).isEqualTo(2222);
  }

  @Test
  void setFlagCarriesAnyKeyAndDedicatedFlagsWin() throws Exception {
    ServerConfig c =
        ConfigLoader.load(
            null,
            Map.of(),
            List.of(
                Setting.set("log.retention.ms", "1000"),
                Setting.set("http.port", "1"),
                Setting.flag("http.port", "2")));
    assertThat(c.logDefaults()).containsEntry("log.retention.ms", "1000");
    assertThat(c.httpPort()).isEqualTo(2);
  }

  @Test
  void unknownKeysWarnButDoNotFail() throws Exception {
    Path file = yaml("kafka.prot: 9093\nlog:\n  flush:\n    interval: 100\n");
    ServerConfig c = ConfigLoader.load(file, Map.of("WATERSHED_SOMETHING", "x"), List.of());
    assertThat(c.kafkaPort()).isEqualTo(9092);
    assertThat(c.logFlush()).isEqualTo(FlushPolicy.DURABLE);
    assertThat(c.logDefaults()).doesNotContainKey("log.flush.interval");
    assertThat(c.warnings())
        .hasSize(3)
        .anySatisfy(w -> assertThat(w).contains("'kafka.prot'").contains(file.toString()))
        .anySatisfy(w -> assertThat(w).contains("'log.flush.interval'"))
        .anySatisfy(w -> assertThat(w).contains("'something'").contains("WATERSHED_SOMETHING"));
  }

  @Test
  void portZeroMeansAnyFreePort() throws Exception {
    ServerConfig c =
        ConfigLoader.load(
            null,
            Map.of(),
            List.of(Setting.flag("http.port", "0"), Setting.flag("kafka.port", "0")));
    assertThat(c.httpPort()).isZero();
    assertThat(c.kafkaPort()).isZero();
  }

  @Test
  void badPortIsOneReadableLine() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of(Setting.flag("kafka.port", "abc"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "invalid kafka.port 'abc' (from flag --kafka-port): expected a port number 0-65535"
                + " (0 picks a free port)");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("WATERSHED_HTTP_PORT", "65536"), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port '65536' (from environment WATERSHED_HTTP_PORT)");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of(Setting.flag("pulsar.port", "-1"))))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void twoListenersOnOnePortIsAnError() throws Exception {
    Path file = yaml("kafka.port: 8080\n");
    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port 8080 (default): kafka.port uses it too");
  }

  @Test
  void flushSyntaxIsValidated() throws Exception {
    for (String bad :
        List.of("sometimes", "interval:", "interval:abc", "interval:0", "interval:-5", "DURABLE")) {
      assertThatThrownBy(
              () -> ConfigLoader.load(null, Map.of(), List.of(Setting.flag("log.flush", bad))))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("invalid log.flush '" + bad + "' (from flag --log-flush): ")
          .hasMessageContaining("interval:<ms>");
    }
    assertThat(FlushPolicy.parse("durable")).isEqualTo(FlushPolicy.DURABLE);
    assertThat(FlushPolicy.parse(" os ")).isEqualTo(FlushPolicy.OS);
    assertThat(FlushPolicy.parse("interval:100")).isEqualTo(new FlushPolicy.Interval(100));
    assertThat(new FlushPolicy.Interval(100)).hasToString("interval:100");
  }

  @Test
  void badFilesAreOneLineErrors() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.load(tmp.resolve("missing.yaml"), Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("config file not found: ");

    Path broken = yaml("kafka.port: [9092\nhttp.port: 1\n");
    assertThatThrownBy(() -> ConfigLoader.load(broken, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("cannot parse config file " + broken + " at line ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

    Path list = yaml("kafka.port:\n  - 1\n  - 2\n");
    assertThatThrownBy(() -> ConfigLoader.load(list, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("invalid kafka.port (from file ")
        .hasMessageContaining("not a list");

    Path scalar = yaml("just text\n");
    assertThatThrownBy(() -> ConfigLoader.load(scalar, Map.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("must be a mapping");
  }

  @Test
  void emptyFileAndEmptyValuesKeepDefaults() throws Exception {
    assertThat(ConfigLoader.load(yaml(""), Map.of(), List.of()).httpPort()).isEqualTo(8080);
    assertThat(ConfigLoader.load(yaml("http.port:\n"), Map.of(), List.of()).httpPort())
        .isEqualTo(8080);
  }

  @Test
  void emptyHostIsAnError() {
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of(), List.of(Setting.flag("bind.host", " "))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bind.host")
        .hasMessageContaining("must not be empty");
  }
}
