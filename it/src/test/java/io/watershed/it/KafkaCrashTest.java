package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 while a producer sends with acks=all: every acknowledged record survives. */
class KafkaCrashTest {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedRecordSurvivesSigkill() throws Exception {
    Path data = dir.resolve("data");
    WatershedProcess server = new WatershedProcess(data).start();
    Map<Long, String> acked = new ConcurrentHashMap<>();
    KafkaProducer<byte[], byte[]> producer =
        KafkaClients.producer(
            server.kafkaBootstrap(),
            Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000));
    producer.partitionsFor("crash");
    long started = System.currentTimeMillis();
    int i = 0;
    try {
      while (System.currentTimeMillis() - started < 2500) {
        String value = "value-" + i++;
        producer.send(
            new ProducerRecord<>("crash", 0, null, value.getBytes(StandardCharsets.UTF_8)),
            (metadata, error) -> {
              if (error == null) {
                acked.put(metadata.offset(), value);
              }
            });
        if (i % 1000 == 0) {
          Thread.sleep(1);
        }
      }
      server.kill();
    } finally {
      producer.close(Duration.ofSeconds(10));
    }
    assertThat(acked).hasSizeGreaterThan(1000);

    try (WatershedProcess restarted = new WatershedProcess(data).start();
        KafkaConsumer<byte[], byte[]> consumer =
            KafkaClients.consumer(restarted.kafkaBootstrap(), Map.of())) {
      TopicPartition tp = new TopicPartition("crash", 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long lastAcked = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
      List<ConsumerRecord<byte[], byte[]>> got =
          KafkaClients.pollUntil(
              consumer,
              l -> !l.isEmpty() && l.get(l.size() - 1).offset() >= lastAcked,
              Duration.ofSeconds(60));
      Map<Long, String> stored = new java.util.HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : got) {
        stored.put(r.offset(), new String(r.value(), StandardCharsets.UTF_8));
      }
      for (Map.Entry<Long, String> a : acked.entrySet()) {
        assertThat(stored.get(a.getKey()))
            .as("acknowledged offset %d", a.getKey())
            .isEqualTo(a.getValue());
      }
      assertThat(restarted.log()).contains("recover");
    }
  }
}
