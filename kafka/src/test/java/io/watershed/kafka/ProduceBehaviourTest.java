package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Produce as producers see it: acks levels, topic configs, and Kafka's own errors. */
class ProduceBehaviourTest {
  @TempDir Path dir;

  @Test
  void everyAcksLevelStoresTheRecords() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir)) {
      for (String acks : List.of("0", "1", "all")) {
        Map<String, Object> config =
            acks.equals("all")
                ? Map.of(ProducerConfig.ACKS_CONFIG, acks)
                : Map.of(
                    ProducerConfig.ACKS_CONFIG,
                    acks,
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    false);
        try (KafkaProducer<byte[], byte[]> producer =
            ProduceFetchTest.producer(server.bootstrap(), config)) {
          for (int i = 0; i < 100; i++) {
            producer.send(
                new ProducerRecord<>(
                    "acks-" + acks, 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
          }
          producer.flush();
        }
        awaitEnd(server, "acks-" + acks, 100);
      }
    }
  }

  private static void awaitEnd(KafkaTestServer server, String topic, long end)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      if (server.topics().partition(topic, 0).map(p -> p.logEndOffset()).orElse(-1L) == end) {
        return;
      }
      Thread.sleep(20);
    }
    assertThat(server.topics().partition(topic, 0).orElseThrow().logEndOffset()).isEqualTo(end);
  }

  @Test
  void logAppendTimeTopicsStampTheBrokerTime() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir)) {
      server
          .topics()
          .create("stamped", 1, Map.of("message.timestamp.type", "LogAppendTime"))
          .join();
      long before = System.currentTimeMillis();
      RecordMetadata m;
      try (KafkaProducer<byte[], byte[]> producer =
          ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
        m =
            producer
                .send(
                    new ProducerRecord<>(
                        "stamped", 0, 12345L, null, "x".getBytes(StandardCharsets.UTF_8)))
                .get();
      }
      assertThat(m.timestamp()).isBetween(before, System.currentTimeMillis());
      try (KafkaConsumer<byte[], byte[]> consumer =
          ProduceFetchTest.consumer(server.bootstrap(), Map.of())) {
        TopicPartition tp = new TopicPartition("stamped", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        ConsumerRecord<byte[], byte[]> r = null;
        long deadline = System.currentTimeMillis() + 10_000;
        while (r == null && System.currentTimeMillis() < deadline) {
          for (ConsumerRecord<byte[], byte[]> x : consumer.poll(Duration.ofMillis(200))) {
            r = x;
          }
        }
        assertThat(r).isNotNull();
        assertThat(r.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(r.timestamp()).isEqualTo(m.timestamp());
      }
    }
  }

  @Test
  void aBatchOverMaxMessageBytesIsRefusedWithMessageTooLarge() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir)) {
      server.topics().create("small", 1, Map.of("max.message.bytes", "1000")).join();
      try (KafkaProducer<byte[], byte[]> producer =
          ProduceFetchTest.producer(server.bootstrap(), Map.of(ProducerConfig.RETRIES_CONFIG, 0))) {
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>("small", new byte[5000])).get())
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(RecordTooLargeException.class);
        assertThat(producer.send(new ProducerRecord<>("small", new byte[100])).get().offset())
            .isZero();
      }
    }
  }

  @Test
  void withoutAutoCreationAnUnknownTopicIsNeverFound() throws Exception {
    KafkaConfig noAuto =
        KafkaConfig.defaults("127.0.0.1", 0, "127.0.0.1").withAutoCreateTopics(false, 1);
    try (KafkaTestServer server = new KafkaTestServer(dir, noAuto);
        KafkaProducer<byte[], byte[]> producer =
            ProduceFetchTest.producer(
                server.bootstrap(), Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1500))) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("nowhere", new byte[1])).get())
          .hasCauseInstanceOf(TimeoutException.class);
      assertThat(server.topics().describe("nowhere")).isEmpty();
    }
  }
}
