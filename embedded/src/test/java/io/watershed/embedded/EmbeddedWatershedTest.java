package io.watershed.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedWatershedTest {
  @Test
  void startsOnFreePortsInATemporaryDirectoryThatCloseDeletes() throws Exception {
    Path dir;
    try (EmbeddedWatershed watershed = EmbeddedWatershed.builder().start()) {
      dir = watershed.dataDir();
      assertThat(dir).isDirectory();
      assertThat(dir.getFileName().toString()).startsWith("watershed-embedded-");
      assertThat(watershed.kafkaBootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(watershed.kinesisEndpoint().toString()).matches("http://127\\.0\\.0\\.1:\\d+");
      assertThat(watershed.eventStoreConnectionString())
          .matches("kurrentdb://127\\.0\\.0\\.1:\\d+\\?tls=false");
      assertThat(watershed.httpUri().toString()).matches("http://127\\.0\\.0\\.1:\\d+/");
      assertThat(watershed.boundPorts())
          .containsOnlyKeys("http", "kafka", "kinesis", "eventstore")
          .doesNotContainValue(0);
      for (int port : watershed.boundPorts().values()) {
        try (Socket socket = new Socket(EmbeddedWatershed.HOST, port)) {
          assertThat(socket.isConnected()).isTrue();
        }
      }
      assertThat(watershed.isRunning()).isTrue();
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void keepsAGivenDataDirectory(@TempDir Path parent) throws Exception {
    Path dir = parent.resolve("data");
    try (EmbeddedWatershed watershed = EmbeddedWatershed.builder().dataDir(dir).start()) {
      assertThat(watershed.dataDir()).isEqualTo(dir.toAbsolutePath());
    }
    assertThat(dir).isDirectory();
    try (var stream = Files.list(dir)) {
      assertThat(stream).isNotEmpty();
    }
  }

  @Test
  void onlyTheDoorsAsked() throws Exception {
    try (EmbeddedWatershed watershed = EmbeddedWatershed.builder().doors(Door.KAFKA).start()) {
      assertThat(watershed.boundPorts()).containsOnlyKeys("http", "kafka");
      assertThat(watershed.doors()).containsExactly(Door.KAFKA);
      assertThat(Clients.kafkaRoundTrip(watershed, "alone", java.util.List.of("v")))
          .containsExactly("v");
      assertThatThrownBy(watershed::eventStoreConnectionString)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("eventstore");
    }
  }

  @Test
  void twoNodesRunSideBySide() {
    try (EmbeddedWatershed a = EmbeddedWatershed.builder().start();
        EmbeddedWatershed b = EmbeddedWatershed.builder().start()) {
      assertThat(a.dataDir()).isNotEqualTo(b.dataDir());
      assertThat(a.boundPorts().values()).doesNotContainAnyElementsOf(b.boundPorts().values());
    }
  }

  @Test
  void closeIsIdempotentAndAccessorsNeedAStart() {
    EmbeddedWatershed watershed = EmbeddedWatershed.builder().build();
    Path dir = watershed.dataDir();
    assertThatThrownBy(watershed::kafkaBootstrapServers)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not started");
    watershed.close();
    watershed.close();
    assertThat(dir).doesNotExist();
    assertThatThrownBy(watershed::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void refusesKeysItChoosesAndBadValues() {
    assertThatThrownBy(() -> EmbeddedWatershed.builder().setting("kafka.port", "9092"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EmbeddedWatershed.builder().setting("data.dir", "/tmp/x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> EmbeddedWatershed.builder().setting("kafka.num.partitions", "zero").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kafka.num.partitions");
  }
}
