package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetch as consumers use it: many partitions (fetch sessions), long polls, byte limits. */
class FetchBehaviourTest {
  @TempDir Path dir;

  @Test
  void aConsumerOfManyPartitionsReadsEverythingThroughIncrementalFetches() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir)) {
      server.topics().create("wide", 50, Map.of()).join();
      try (KafkaProducer<byte[], byte[]> producer =
          ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
        for (int i = 0; i < 5000; i++) {
          producer.send(
              new ProducerRecord<>(
                  "wide", i % 50, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
      }
      List<TopicPartition> all = new ArrayList<>();
      for (int p = 0; p < 50; p++) {
        all.add(new TopicPartition("wide", p));
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          ProduceFetchTest.consumer(
              server.bootstrap(), Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024))) {
        consumer.assign(all);
        consumer.seekToBeginning(all);
        int seen = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (seen < 5000 && System.nanoTime() < deadline) {
          seen += consumer.poll(Duration.ofMillis(200)).count();
        }
        assertThat(seen).isEqualTo(5000);
        for (TopicPartition tp : all) {
          assertThat(consumer.position(tp)).isEqualTo(100);
        }
      }
    }
  }

  @Test
  void aLongPollIsAnsweredAsSoonAsDataArrives() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir)) {
      server.topics().create("live", 1, Map.of()).join();
      TopicPartition tp = new TopicPartition("live", 0);
      try (KafkaConsumer<byte[], byte[]> consumer =
              ProduceFetchTest.consumer(
                  server.bootstrap(), Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10_000));
          KafkaProducer<byte[], byte[]> producer =
              ProduceFetchTest.producer(
                  server.bootstrap(), Map.of(ProducerConfig.LINGER_MS_CONFIG, 0))) {
        consumer.assign(List.of(tp));
        consumer.seekToEnd(List.of(tp));
        consumer.poll(Duration.ofMillis(500)); // the consumer now waits inside a 10 s long poll
        long sent = System.nanoTime();
        producer
            .send(new ProducerRecord<>("live", 0, null, "now".getBytes(StandardCharsets.UTF_8)))
            .get();
        ConsumerRecords<byte[], byte[]> got = ConsumerRecords.empty();
        while (got.isEmpty() && System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(15)) {
          got = consumer.poll(Duration.ofMillis(100));
        }
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertThat(got.count()).isEqualTo(1);
        assertThat(latencyMs).as("woken by the append, not the 10 s timeout").isLessThan(3000);
      }
    }
  }

  @Test
  void fetchMaxBytesStillReturnsABatchLargerThanIt() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir)) {
      server.topics().create("big", 1, Map.of()).join();
      byte[] large = new byte[200_000];
      try (KafkaProducer<byte[], byte[]> producer =
          ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
        for (int i = 0; i < 5; i++) {
          producer.send(new ProducerRecord<>("big", 0, null, large)).get();
        }
      }
      TopicPartition tp = new TopicPartition("big", 0);
      try (KafkaConsumer<byte[], byte[]> consumer =
          ProduceFetchTest.consumer(
              server.bootstrap(),
              Map.of(
                  ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1024,
                  ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024))) {
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (got.size() < 5 && System.nanoTime() < deadline) {
          consumer.poll(Duration.ofMillis(200)).forEach(got::add);
        }
        assertThat(got).hasSize(5);
        assertThat(got).allMatch(r -> r.value().length == 200_000);
      }
    }
  }
}
