package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceFetchTest {
  @TempDir Path dir;

  static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, Object> extra) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.putAll(extra);
    return new KafkaProducer<>(p);
  }

  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, Map<String, Object> extra) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putAll(extra);
    return new KafkaConsumer<>(p);
  }

  @Test
  void anIdempotentProducerAndAnAssignedConsumerRoundTrip() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer =
          producer(server.bootstrap(), Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
        for (int i = 0; i < 1000; i++) {
          sent.add(
              producer.send(
                  new ProducerRecord<>(
                      "smoke",
                      ("k" + i).getBytes(StandardCharsets.UTF_8),
                      ("v" + i).getBytes(StandardCharsets.UTF_8))));
        }
        producer.flush();
        for (int i = 0; i < 1000; i++) {
          assertThat(sent.get(i).get().offset()).isEqualTo(i);
        }
      }
      try (KafkaConsumer<byte[], byte[]> consumer = consumer(server.bootstrap(), Map.of())) {
        TopicPartition tp = new TopicPartition("smoke", 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (got.size() < 1000 && System.currentTimeMillis() < deadline) {
          consumer.poll(Duration.ofMillis(500)).forEach(got::add);
        }
        assertThat(got).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
          assertThat(got.get(i).offset()).isEqualTo(i);
          assertThat(new String(got.get(i).value(), StandardCharsets.UTF_8)).isEqualTo("v" + i);
        }
      }
    }
  }
}
