package io.watershed.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the tests do with real clients against a node. */
public final class Clients {
  private Clients() {}

  public static KafkaProducer<String, String> producer(EmbeddedWatershed watershed) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            watershed.kafkaBootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all"),
        new StringSerializer(),
        new StringSerializer());
  }

  /** Produces the values to {@code topic} and reads them back in a consumer group. */
  public static List<String> kafkaRoundTrip(
      EmbeddedWatershed watershed, String topic, List<String> values) throws Exception {
    try (KafkaProducer<String, String> producer = producer(watershed)) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, "key", value)).get();
      }
    }
    List<String> read = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                watershed.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "group-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (read.size() < values.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          read.add(record.value());
        }
      }
      consumer.commitSync();
    }
    return read;
  }
}
