package io.watershed.kafka;

import static io.watershed.kafka.AdminClients.admin;
import static io.watershed.kafka.AdminConfigsTest.alter;
import static io.watershed.kafka.AdminConfigsTest.op;
import static io.watershed.kafka.AdminTopicsTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config changes made with the AdminClient change what the log does: retention deletes, the cleaner
 * compacts. Topics use 1 KiB segments so that a few records fill several.
 */
class TopicConfigEffectTest {
  private static final int RECORDS = 40;
  private static final int KEYS = 5;

  @TempDir Path dir;

  @Test
  void loweringRetentionMsDeletesOldSegments() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      createSmallSegmentTopic(admin, "aged", Map.of());
      long anHourAgo = System.currentTimeMillis() - 3_600_000;
      produce(server, "aged", anHourAgo, false);

      assertThat(server.topics().logs().retentionPass()).isZero();
      alter(admin, topic("aged"), op("retention.ms", "60000", OpType.SET));
      assertThat(server.topics().logs().retentionPass()).isPositive();

      assertThat(earliestOffset(server, "aged")).isPositive();
    }
  }

  @Test
  void settingRetentionBytesDeletesTheOldestSegmentsBeyondIt() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      createSmallSegmentTopic(admin, "sized", Map.of());
      produce(server, "sized", System.currentTimeMillis(), false);
      long before = server.topics().partition("sized", 0).orElseThrow().sizeInBytes();

      alter(admin, topic("sized"), op("retention.bytes", "2048", OpType.SET));
      assertThat(server.topics().logs().retentionPass()).isPositive();

      long after = server.topics().partition("sized", 0).orElseThrow().sizeInBytes();
      assertThat(after).isLessThan(before);
      assertThat(earliestOffset(server, "sized")).isPositive();
    }
  }

  @Test
  void switchingToCompactionMakesTheCleanerKeepTheLatestRecordPerKey() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      createSmallSegmentTopic(admin, "keyed", Map.of());
      produce(server, "keyed", System.currentTimeMillis(), true);
      server.topics().partition("keyed", 0).orElseThrow().roll();

      assertThat(server.topics().logs().cleanerPass()).isZero();
      alter(admin, topic("keyed"), op("cleanup.policy", "compact", OpType.SET));
      assertThat(server.topics().logs().cleanerPass()).isEqualTo(1);

      try (KafkaConsumer<byte[], byte[]> consumer =
          ProduceFetchTest.consumer(server.bootstrap(), Map.of())) {
        TopicPartition tp = new TopicPartition("keyed", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        Map<String, String> latest = new HashMap<>();
        int read = 0;
        long deadline = System.currentTimeMillis() + 15_000;
        while (consumer.position(tp) < RECORDS && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            latest.put(string(r.key()), string(r.value()));
            read++;
          }
        }
        assertThat(read).isEqualTo(KEYS);
        for (int k = 0; k < KEYS; k++) {
          assertThat(latest.get("k" + k)).isEqualTo("v" + (RECORDS - KEYS + k));
        }
      }
    }
  }

  private static void createSmallSegmentTopic(Admin admin, String name, Map<String, String> configs)
      throws Exception {
    Map<String, String> all = new HashMap<>(configs);
    all.put("segment.bytes", "1024");
    admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(all))).all().get();
  }

  /** Sends {@value #RECORDS} records of ~100 bytes one at a time, so that each is a batch. */
  private static void produce(KafkaTestServer server, String topic, long timestamp, boolean keyed)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
      for (int i = 0; i < RECORDS; i++) {
        byte[] key = keyed ? bytes("k" + (i % KEYS)) : null;
        byte[] value = bytes("v" + i + " ".repeat(100));
        producer.send(new ProducerRecord<>(topic, 0, timestamp, key, value)).get();
      }
    }
    assertThat(server.topics().partition(topic, 0).orElseThrow().segmentCount()).isGreaterThan(3);
  }

  private static long earliestOffset(KafkaTestServer server, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        ProduceFetchTest.consumer(server.bootstrap(), Map.of())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      return consumer.beginningOffsets(List.of(tp)).get(tp);
    }
  }

  private static ConfigResource topic(String name) {
    return new ConfigResource(ConfigResource.Type.TOPIC, name);
  }

  private static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8).strip();
  }
}
