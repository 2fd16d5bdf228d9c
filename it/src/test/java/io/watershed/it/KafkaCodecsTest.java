package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 100,000 records per compression codec through the real producer and consumer: every byte of every
 * key, value and header, and every timestamp, comes back as sent.
 */
class KafkaCodecsTest {
  static final int RECORDS = 100_000;
  @TempDir static Path dir;
  static WatershedProcess server;

  @BeforeAll
  static void start() throws Exception {
    server = new WatershedProcess(dir.resolve("data")).start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** The record number {@code i}: a pure function of i, so the consumer can check it. */
  static byte[] key(int i) {
    return i % 10 == 0 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(int i) {
    byte[] v = new byte[20 + i % 200];
    new Random(i).nextBytes(v);
    return v;
  }

  static List<Header> headers(int i) {
    return i % 3 == 0
        ? List.of()
        : List.of(
            new RecordHeader("n", ByteBuffer.allocate(4).putInt(i).array()),
            new RecordHeader("empty", i % 2 == 0 ? null : new byte[0]));
  }

  static long timestamp(int i) {
    return 1_700_000_000_000L + System.currentTimeMillis() % 1000 * 0 + i;
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
  void everyRecordComesBackIntact(String codec) throws Exception {
    String topic = "codec-" + codec;
    long base = System.currentTimeMillis() - 60_000;
    try (KafkaProducer<byte[], byte[]> producer =
        KafkaClients.producer(
            server.kafkaBootstrap(),
            Map.of(
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                codec,
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.BATCH_SIZE_CONFIG,
                64 * 1024))) {
      for (int i = 0; i < RECORDS; i++) {
        producer.send(new ProducerRecord<>(topic, 0, base + i, key(i), value(i), headers(i)));
      }
      producer.flush();
    }
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.consumer(server.kafkaBootstrap(), Map.of())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<ConsumerRecord<byte[], byte[]>> got =
          KafkaClients.pollUntil(consumer, l -> l.size() >= RECORDS, Duration.ofSeconds(120));
      assertThat(got).hasSize(RECORDS);
      for (int i = 0; i < RECORDS; i++) {
        ConsumerRecord<byte[], byte[]> r = got.get(i);
        assertThat(r.offset()).isEqualTo(i);
        assertThat(r.key()).isEqualTo(key(i));
        assertThat(r.value()).isEqualTo(value(i));
        assertThat(r.timestamp()).isEqualTo(base + i);
        assertThat(r.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(List.of(r.headers().toArray())).isEqualTo(headers(i));
      }
    }
  }
}
