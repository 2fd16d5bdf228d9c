package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import io.watershed.log.Tmpfs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * A real full disk under the server (its data directory on a 64 MiB tmpfs, mounted by the test when
 * it runs as root), through every door with the official clients: each gets its protocol's
 * retryable storage error, /health says DEGRADED and why, the metrics show the fenced partitions
 * and the free space; once space is freed every door writes again without a restart, and after a
 * restart nothing acknowledged is missing.
 */
class DiskFullTest {
  @TempDir Path tmp;
  Tmpfs disk;
  Path mount;
  boolean mounted;

  @BeforeEach
  void mountTmpfs() throws Exception {
    disk = Tmpfs.mount(tmp.resolve("disk"), "64m");
    mount = disk.path();
    mounted = disk.mounted();
  }

  @AfterEach
  void unmount() throws Exception {
    disk.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static KinesisClient kinesis(WatershedProcess server) throws Exception {
    return KinesisClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + KinesisClients.port(server)))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  /** Fills the file system with one file until it refuses more. */
  private static Path fill(Path dir) throws IOException {
    Path filler = dir.resolve("filler");
    byte[] chunk = new byte[256 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < 10_000; i++) {
        out.write(chunk);
      }
    } catch (IOException e) {
      assertThat(e.getMessage()).contains("No space left");
    }
    return filler;
  }

  @Test
  void everyDoorSaysTheDiskIsFullAndWritesAgainOnceSpaceIsFreed() throws Exception {
    assumeThat(mounted).as("mounting a tmpfs needs root").isTrue();
    Path data = mount.resolve("data");
    try (WatershedProcess server = new WatershedProcess(data).start()) {
      AdminHttp http = new AdminHttp(server.httpPort());
      List<String> kafkaAcked = new ArrayList<>();
      try (Admin admin = KafkaClients.admin(server.kafkaBootstrap())) {
        admin.createTopics(List.of(new NewTopic("full", 1, (short) 1))).all().get();
      }
      KinesisClient kinesis = kinesis(server);
      kinesis.createStream(b -> b.streamName("fullstream").shardCount(1));
      KurrentDBClient events = EventStoreClients.client(server.eventStoreConnectionString());
      try (KafkaProducer<byte[], byte[]> producer =
          KafkaClients.producer(
              server.kafkaBootstrap(),
              Map.of(
                  "acks", "all",
                  "retries", 0,
                  "enable.idempotence", false,
                  "delivery.timeout.ms", 5000,
                  "request.timeout.ms", 4000,
                  "linger.ms", 0))) {
        producer.send(new ProducerRecord<>("full", bytes("canary"))).get();
        kafkaAcked.add("canary");
        kinesis.putRecord(
            b -> b.streamName("fullstream").partitionKey("k").data(SdkBytes.fromUtf8String("kc")));
        events
            .appendToStream("full-1", EventStoreClients.event("Canary", "{\"n\":0}"))
            .get(10, TimeUnit.SECONDS);

        Path filler = fill(mount);

        // Kafka: KAFKA_STORAGE_ERROR, retriable, with the reason.
        byte[] big = new byte[64 * 1024];
        ExecutionException kafkaFailure = null;
        for (int i = 0; i < 50 && kafkaFailure == null; i++) {
          try {
            producer.send(new ProducerRecord<>("full", big)).get();
          } catch (ExecutionException e) {
            kafkaFailure = e;
          }
        }
        assertThat(kafkaFailure).isNotNull();
        assertThat(kafkaFailure.getCause()).isInstanceOf(KafkaStorageException.class);

        // Kinesis: the SDK gets a retryable service error, not a Java class name.
        KinesisException kinesisFailure = null;
        for (int i = 0; i < 50 && kinesisFailure == null; i++) {
          try {
            kinesis.putRecord(
                b ->
                    b.streamName("fullstream")
                        .partitionKey("k")
                        .data(SdkBytes.fromByteArray(new byte[64 * 1024])));
          } catch (KinesisException e) {
            kinesisFailure = e;
          }
        }
        assertThat(kinesisFailure).isNotNull();
        assertThat(kinesisFailure.statusCode()).isEqualTo(503);
        assertThat(kinesisFailure.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
        assertThat(kinesisFailure.getMessage())
            .doesNotContain("Exception:")
            .doesNotContain("io.watershed");

        // Event store: UNAVAILABLE with the reason.
        Throwable eventFailure = null;
        for (int i = 0; i < 50 && eventFailure == null; i++) {
          try {
            events
                .appendToStream(
                    "full-1",
                    EventStoreClients.event("Big", "{\"pad\":\"" + "x".repeat(60_000) + "\"}"))
                .get(10, TimeUnit.SECONDS);
          } catch (ExecutionException e) {
            eventFailure = e.getCause();
          }
        }
        assertThat(eventFailure).isNotNull();
        assertThat(String.valueOf(eventFailure)).contains("UNAVAILABLE");

        // Admin API produce: 503 with the reason.
        AdminHttp.Answer produced =
            http.post(
                "/api/v1/topics/full/records",
                Map.of("records", List.of(Map.of("value", "x".repeat(60_000)))));
        assertThat(produced.status()).as(produced.body()).isEqualTo(503);

        AdminHttp.Answer health = http.get("/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().get("status").asText()).isEqualTo("DEGRADED");
        assertThat(health.json().at("/checks/partitions/fencedPartitions").asInt()).isPositive();
        String metrics = http.get("/metrics").body();
        assertThat(metrics)
            .contains("watershed_partition_fenced{partition=\"0\",topic=\"full\"} 1.0");
        assertThat(metrics).contains("watershed_storage_free_bytes");

        // Space is freed: every door writes again, no restart.
        Files.delete(filler);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (http.get("/health").status() != 200 && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
        JsonNode after = http.get("/health").json();
        assertThat(after.get("status").asText()).as(after.toString()).isEqualTo("UP");
        producer.send(new ProducerRecord<>("full", bytes("after"))).get();
        kafkaAcked.add("after");
        kinesis.putRecord(
            b ->
                b.streamName("fullstream")
                    .partitionKey("k")
                    .data(SdkBytes.fromUtf8String("after")));
        // The event store takes appends again within a retry interval of the log's.
        ExecutionException lastRefusal = null;
        boolean appended = false;
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            !appended && System.nanoTime() < end; ) {
          try {
            events
                .appendToStream("full-1", EventStoreClients.event("After", "{\"n\":1}"))
                .get(10, TimeUnit.SECONDS);
            appended = true;
          } catch (ExecutionException e) {
            assertThat(String.valueOf(e.getCause())).contains("UNAVAILABLE");
            lastRefusal = e;
            Thread.sleep(200);
          }
        }
        assertThat(appended)
            .as("event-store append after space was freed: %s", lastRefusal)
            .isTrue();
      } finally {
        EventStoreClients.close(events);
      }
      kinesis.close();

      // A restart: everything acknowledged is there.
      assertThat(server.stop()).isZero();
      server.start();
      try (KafkaConsumer<byte[], byte[]> consumer =
          KafkaClients.consumer(server.kafkaBootstrap(), Map.of())) {
        consumer.assign(List.of(new org.apache.kafka.common.TopicPartition("full", 0)));
        consumer.seekToBeginning(consumer.assignment());
        List<ConsumerRecord<byte[], byte[]>> got =
            KafkaClients.pollUntil(
                consumer,
                rs -> rs.stream().anyMatch(r -> new String(r.value()).equals("after")),
                Duration.ofSeconds(20));
        List<String> small =
            got.stream().map(r -> new String(r.value())).filter(v -> v.length() < 20).toList();
        assertThat(small).containsSubsequence(kafkaAcked);
      }
      try (KinesisClient again = kinesis(server)) {
        String shard = again.listShards(b -> b.streamName("fullstream")).shards().get(0).shardId();
        List<String> stored =
            KinesisClients.read(
                    again, "fullstream", shard, ShardIteratorType.TRIM_HORIZON, null, null)
                .stream()
                .map(r -> r.data().asUtf8String())
                .filter(v -> v.length() < 20)
                .toList();
        assertThat(stored).containsSubsequence("kc", "after");
      }
      KurrentDBClient reader = EventStoreClients.client(server.eventStoreConnectionString());
      try {
        List<String> types =
            reader
                .readStream("full-1", ReadStreamOptions.get().fromStart())
                .get()
                .getEvents()
                .stream()
                .map(e -> e.getOriginalEvent().getEventType())
                .filter(t -> !t.equals("Big"))
                .toList();
        assertThat(types).containsExactly("Canary", "After");
      } finally {
        EventStoreClients.close(reader);
      }
    }
  }
}
