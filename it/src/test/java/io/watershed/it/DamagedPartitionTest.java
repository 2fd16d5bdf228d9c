package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Media damage in a sealed segment, found after a clean restart, as an operator meets it: nothing
 * is cut silently; the admin API, the CLI, /health and /metrics show the damaged range; the CLI
 * skips it only when told to, after which everything around it is read and /health is UP again.
 */
class DamagedPartitionTest {
  @TempDir Path tmp;

  @Test
  void damageIsShownEverywhereAndSkippedOnlyOnPurpose() throws Exception {
    Path data = tmp.resolve("data");
    try (WatershedProcess server = new WatershedProcess(data).start()) {
      try (Admin admin = KafkaClients.admin(server.kafkaBootstrap())) {
        admin
            .createTopics(
                List.of(
                    new NewTopic("ledger", 1, (short) 1).configs(Map.of("segment.bytes", "2000"))))
            .all()
            .get();
      }
      try (KafkaProducer<byte[], byte[]> producer =
          KafkaClients.producer(server.kafkaBootstrap(), Map.of("linger.ms", 0, "batch.size", 1))) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>("ledger", bytes("entry-" + i))).get();
        }
      }
      assertThat(server.stop()).isZero();

      Path victim = segments(data).get(2);
      try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
        long at = f.length() / 2;
        f.seek(at);
        int b = f.read();
        f.seek(at);
        f.write(b ^ 0x5a);
      }

      server.start();
      String url = "http://127.0.0.1:" + server.httpPort();
      AdminHttp http = new AdminHttp(server.httpPort());

      CliProcess.Result verify =
          CliProcess.run(null, "topics", "verify", "ledger", "--server", url);
      assertThat(verify.exit()).as(verify.out() + verify.err()).isEqualTo(1);
      assertThat(verify.out()).contains("partition 0: offsets ").contains("damaged");

      JsonNode topic = http.get("/api/v1/topics/ledger").json();
      JsonNode damaged = topic.at("/partitions/0/damaged");
      assertThat(damaged).hasSize(1);
      long first = damaged.get(0).get("firstOffset").asLong();
      long end = damaged.get(0).get("endOffset").asLong();
      assertThat(end).isGreaterThan(first);
      assertThat(topic.at("/partitions/0/endOffset").asLong()).isEqualTo(100);

      AdminHttp.Answer health = http.get("/health");
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json().get("status").asText()).isEqualTo("DEGRADED");
      assertThat(health.json().at("/checks/partitions/damagedPartitions").asInt()).isEqualTo(1);
      assertThat(http.get("/metrics").body())
          .contains("watershed_partition_damaged_ranges{partition=\"0\",topic=\"ledger\"} 1.0");

      // A read of the damaged offsets fails instead of serving them; the offsets are still there.
      AdminHttp.Answer read =
          http.get("/api/v1/topics/ledger/partitions/0/records?offset=" + first + "&limit=5");
      assertThat(read.status()).as(read.body()).isEqualTo(500);
      assertThat(read.body()).contains("damaged");

      // A Kafka consumer reads up to the damage, then gets Kafka's corruption error there.
      try (KafkaConsumer<byte[], byte[]> consumer =
          KafkaClients.consumer(server.kafkaBootstrap(), Map.of())) {
        TopicPartition tp = new TopicPartition("ledger", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<String> before = new ArrayList<>();
        KafkaException corrupt = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (corrupt == null && System.nanoTime() < deadline) {
          try {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> before.add(new String(r.value())));
          } catch (KafkaException e) {
            corrupt = e;
          }
        }
        assertThat(corrupt).isNotNull();
        assertThat(corrupt.getMessage()).contains("corrupt message").contains("offset " + first);
        assertThat(before).hasSize((int) first);
        assertThat(before.getLast()).isEqualTo("entry-" + (first - 1));
      }

      CliProcess.Result dryRun =
          CliProcess.run(null, "topics", "repair", "ledger", "-p", "0", "--server", url);
      assertThat(dryRun.exit()).isZero();
      assertThat(dryRun.out()).contains("dry run");
      assertThat(http.get("/api/v1/topics/ledger").json().at("/partitions/0/damaged")).hasSize(1);

      CliProcess.Result repair =
          CliProcess.run(
              null, "topics", "repair", "ledger", "-p", "0", "--execute", "--server", url);
      assertThat(repair.exit()).as(repair.err()).isZero();
      assertThat(repair.out()).contains("skipped 1 damaged range");

      assertThat(CliProcess.run(null, "topics", "verify", "ledger", "--server", url).exit())
          .isZero();
      assertThat(http.get("/health").status()).isEqualTo(200);
      JsonNode records =
          http.get("/api/v1/topics/ledger/partitions/0/records?offset=0&limit=200&format=text")
              .json();
      List<String> values = records.path("records").findValuesAsText("value");
      assertThat(values).hasSize(100 - (int) (end - first));
      for (JsonNode r : records.path("records")) {
        assertThat(r.get("value").asText()).isEqualTo("entry-" + r.get("offset").asLong());
        long offset = r.get("offset").asLong();
        assertThat(offset < first || offset >= end).as("offset %d skipped", offset).isTrue();
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Path> segments(Path data) throws Exception {
    try (Stream<Path> files = Files.walk(data)) {
      return files
          .filter(f -> f.getParent().getFileName().toString().equals("ledger-0"))
          .filter(f -> f.getFileName().toString().endsWith(".log"))
          .sorted()
          .toList();
    }
  }
}
