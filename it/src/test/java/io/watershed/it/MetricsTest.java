package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadAllOptions;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics} after a known workload: the counters agree with what was produced and read. */
class MetricsTest {
  static final int RECORDS = 5000;
  static final String TOPIC = "metered";
  static final String COORDINATOR_TOPIC = "__watershed_coordinators";

  @TempDir Path dir;

  @Test
  void countersAgreeWithAKnownWorkload() throws Exception {
    try (WatershedProcess server = new WatershedProcess(dir.resolve("data")).start()) {
      AdminHttp api = new AdminHttp(server.httpPort());
      try (Admin admin = KafkaClients.admin(server.kafkaBootstrap())) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
      }
      try (KafkaProducer<byte[], byte[]> producer =
          KafkaClients.producer(
              server.kafkaBootstrap(),
              Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5))) {
        for (int i = 0; i < RECORDS; i++) {
          producer.send(
              new ProducerRecord<>(
                  TOPIC, i % 2, null, ("value-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          KafkaClients.consumer(
              server.kafkaBootstrap(),
              Map.of(
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "metered-group",
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false))) {
        consumer.subscribe(List.of(TOPIC));
        assertThat(
                KafkaClients.pollUntil(
                    consumer, got -> got.size() >= RECORDS, Duration.ofSeconds(60)))
            .hasSize(RECORDS);
        consumer.commitSync();
        String m = api.get("/metrics").body();
        assertThat(value(m, "watershed_consumer_group_members\\{group=\"metered-group\"\\}"))
            .isEqualTo(1);
        assertThat(value(m, "watershed_connections\\{door=\"kafka\"\\}")).isGreaterThanOrEqualTo(1);
      }
      String m = api.get("/metrics").body();
      double bytesIn = 0;
      double size = 0;
      for (int p = 0; p < 2; p++) {
        String l = "\\{partition=\"" + p + "\",topic=\"" + TOPIC + "\"\\}";
        assertThat(value(m, "watershed_partition_records_in_total" + l)).isEqualTo(RECORDS / 2);
        assertThat(value(m, "watershed_partition_records_out_total" + l)).isEqualTo(RECORDS / 2);
        assertThat(value(m, "watershed_partition_log_end_offset" + l)).isEqualTo(RECORDS / 2);
        assertThat(value(m, "watershed_partition_bytes_out_total" + l))
            .isGreaterThanOrEqualTo(value(m, "watershed_partition_bytes_in_total" + l));
        bytesIn += value(m, "watershed_partition_bytes_in_total" + l);
        size += value(m, "watershed_partition_log_size_bytes" + l);
        assertThat(value(m, "watershed_partition_log_segments" + l)).isEqualTo(1);
        String g = "\\{group=\"metered-group\",partition=\"" + p + "\",topic=\"" + TOPIC + "\"\\}";
        assertThat(value(m, "watershed_consumer_group_lag" + g)).isZero();
        assertThat(value(m, "watershed_consumer_group_committed_offset" + g))
            .isEqualTo(RECORDS / 2);
      }
      assertThat(bytesIn).isEqualTo(size);
      // The coordinator runtime appends its records (the group's membership and offsets) to the
      // log too, in the partitions of its internal topic; the group's last write (its member
      // left) may still be on its way, so scrape until the two figures are of one moment.
      String coordinatorEnds =
          "watershed_partition_log_end_offset\\{partition=\"\\d+\",topic=\""
              + COORDINATOR_TOPIC
              + "\"\\}";
      String latest = m;
      for (int i = 0;
          i < 50
              && value(latest, "watershed_log_appended_records_total")
                  != RECORDS + sum(latest, coordinatorEnds);
          i++) {
        Thread.sleep(100);
        latest = api.get("/metrics").body();
      }
      assertThat(sum(latest, coordinatorEnds)).isPositive();
      assertThat(value(latest, "watershed_log_appended_records_total"))
          .isEqualTo(RECORDS + sum(latest, coordinatorEnds));
      assertThat(value(m, "watershed_log_fsyncs_total")).isGreaterThan(0);
      assertThat(value(m, "watershed_log_fsync_seconds_total")).isGreaterThan(0);
      assertThat(
              value(
                  m,
                  "watershed_request_duration_seconds_count\\{api=\"Produce\",door=\"kafka\"\\}"))
          .isGreaterThan(0);
      assertThat(
              value(
                  m, "watershed_request_duration_seconds_count\\{api=\"Fetch\",door=\"kafka\"\\}"))
          .isGreaterThan(0);
      assertThat(
              value(
                  m,
                  "watershed_request_duration_seconds_bucket\\{api=\"Produce\",door=\"kafka\",le=\"\\+Inf\"\\}"))
          .isEqualTo(
              value(
                  m,
                  "watershed_request_duration_seconds_count\\{api=\"Produce\",door=\"kafka\"\\}"));
      assertThat(m)
          .contains("# TYPE watershed_request_duration_seconds histogram")
          .contains("jvm_memory_used_bytes")
          .contains("process_cpu_seconds_total")
          .contains("watershed_connections{door=\"eventstore\"}");
    }
  }

  @Test
  void eventStoreReadsCountAsRecordsOutOfTheLogBehindAll() throws Exception {
    int events = 50;
    String json = "{\"n\":1234}";
    try (WatershedProcess server = new WatershedProcess(dir.resolve("data")).start()) {
      AdminHttp api = new AdminHttp(server.httpPort());
      KurrentDBClient client = EventStoreClients.client(server.eventStoreConnectionString());
      try {
        for (int i = 0; i < events; i++) {
          client.appendToStream("metered-1", EventStoreClients.event("Counted", json)).get();
        }
        List<ResolvedEvent> stream =
            client.readStream("metered-1", ReadStreamOptions.get()).get().getEvents();
        assertThat(stream).hasSize(events);
        List<ResolvedEvent> all = client.readAll(ReadAllOptions.get()).get().getEvents();
        assertThat(all).hasSizeGreaterThanOrEqualTo(events);
        AdminHttp.Answer viaApi = api.get("/api/v1/eventstore/streams/metered-1?limit=10");
        assertThat(viaApi.json().get("events")).hasSize(10);

        long sentBytes = 0;
        for (ResolvedEvent e : all) {
          sentBytes += e.getEvent().getEventData().length + e.getEvent().getUserMetadata().length;
        }
        sentBytes += (long) (events + 10) * json.length();
        String m = api.get("/metrics").body();
        String l = "\\{partition=\"0\",topic=\"__eventstore_all\"\\}";
        assertThat(value(m, "watershed_partition_records_in_total" + l))
            .isGreaterThanOrEqualTo(events);
        assertThat(value(m, "watershed_partition_records_out_total" + l))
            .isEqualTo(events + all.size() + 10);
        assertThat(value(m, "watershed_partition_bytes_out_total" + l)).isEqualTo(sentBytes);

        assertThat(api.get("/api/v1/eventstore/streams/no-such-stream").status()).isEqualTo(404);
        m = api.get("/metrics").body();
        String read = "api=\"GET /api/v1/eventstore/streams/\\{stream\\}\",door=\"http\"";
        assertThat(value(m, "watershed_request_duration_seconds_count\\{" + read + "\\}"))
            .isEqualTo(2);
        assertThat(value(m, "watershed_request_errors_total\\{" + read + "\\}")).isEqualTo(1);
        assertThat(
                value(
                    m,
                    "watershed_request_duration_seconds_count\\{api=\"GET /metrics\",door=\"http\"\\}"))
            .isGreaterThanOrEqualTo(1);
      } finally {
        EventStoreClients.close(client);
      }
    }
  }

  /** The sum of every sample of the series matching {@code series}, a regular expression. */
  static double sum(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  /** The value of the one sample matching {@code series} (a regex of name and labels). */
  static double value(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
    assertThat(m.find()).as("a sample of " + series).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
