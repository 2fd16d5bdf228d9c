package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server is stopped and started again in the middle of consumption: topics, their configs and
 * the group's committed offsets are intact, and consumption resumes where it stopped.
 */
class KafkaRestartTest {
  @TempDir Path dir;

  @Test
  void consumptionResumesAfterARestart() throws Exception {
    Path data = dir.resolve("data");
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "ledger");
    WatershedProcess server = new WatershedProcess(data).start();
    try (Admin admin = KafkaClients.admin(server.kafkaBootstrap())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("ledger", 3, (short) 1)
                      .configs(Map.of("retention.ms", "86400000", "max.message.bytes", "2000000"))))
          .all()
          .get();
    }
    try (KafkaProducer<byte[], byte[]> producer =
        KafkaClients.producer(server.kafkaBootstrap(), Map.of())) {
      for (int i = 0; i < 3000; i++) {
        producer.send(
            new ProducerRecord<>(
                "ledger", i % 3, null, ("e" + i).getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
    Map<String, Object> group =
        Map.of(
            ConsumerConfig.GROUP_ID_CONFIG,
            "auditors",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    int consumedBefore;
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaClients.consumer(server.kafkaBootstrap(), group)) {
      consumer.subscribe(List.of("ledger"));
      List<ConsumerRecord<byte[], byte[]>> got =
          KafkaClients.pollUntil(consumer, l -> l.size() >= 1200, Duration.ofSeconds(30));
      consumer.commitSync();
      consumedBefore = got.size();
    }
    assertThat(server.stop()).isZero();

    WatershedProcess restarted = new WatershedProcess(data).start();
    try (Admin admin = KafkaClients.admin(restarted.kafkaBootstrap());
        KafkaConsumer<byte[], byte[]> consumer =
            KafkaClients.consumer(restarted.kafkaBootstrap(), group)) {
      TopicDescription topic =
          admin.describeTopics(List.of("ledger")).allTopicNames().get().get("ledger");
      assertThat(topic.partitions()).hasSize(3);
      Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
      assertThat(config.get("retention.ms").value()).isEqualTo("86400000");
      assertThat(config.get("max.message.bytes").value()).isEqualTo("2000000");
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets("auditors").partitionsToOffsetAndMetadata().get();
      assertThat(committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum())
          .isEqualTo(consumedBefore);

      consumer.subscribe(List.of("ledger"));
      List<ConsumerRecord<byte[], byte[]>> rest =
          KafkaClients.pollUntil(
              consumer, l -> l.size() >= 3000 - consumedBefore, Duration.ofSeconds(30));
      assertThat(rest).hasSize(3000 - consumedBefore);
      for (ConsumerRecord<byte[], byte[]> r : rest) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        assertThat(r.offset()).isGreaterThanOrEqualTo(committed.get(tp).offset());
      }
    } finally {
      restarted.close();
    }
  }
}
