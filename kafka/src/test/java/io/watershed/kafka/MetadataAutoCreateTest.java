package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic auto-creation through Metadata, as Kafka does it: on by default, with {@code
 * num.partitions} partitions, only when the request allows it (a consumer with {@code
 * allow.auto.create.topics=false} creates nothing), never for an invalid name; and the created
 * topic keeps its id.
 */
class MetadataAutoCreateTest {
  @TempDir Path dir;

  private static KafkaTestServer server(Path dir, int numPartitions) throws Exception {
    return new KafkaTestServer(
        dir,
        KafkaConfig.defaults("127.0.0.1", 0, "127.0.0.1")
            .withGroupInitialRebalanceDelayMs(0)
            .withAutoCreateTopics(true, numPartitions));
  }

  @Test
  void aProducerCreatesTheTopicWithNumPartitionsPartitions() throws Exception {
    try (KafkaTestServer server = server(dir, 3);
        KafkaProducer<byte[], byte[]> producer =
            ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
      RecordMetadata sent =
          producer.send(new ProducerRecord<>("born", 2, null, "v".getBytes())).get();
      assertThat(sent.partition()).isEqualTo(2);
      assertThat(server.topics().describe("born").orElseThrow().partitionCount()).isEqualTo(3);
    }
  }

  @Test
  void aConsumerThatDoesNotAllowAutoCreationCreatesNothing() throws Exception {
    try (KafkaTestServer server = server(dir, 1);
        KafkaConsumer<byte[], byte[]> consumer =
            ProduceFetchTest.consumer(
                server.bootstrap(),
                Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG,
                    "careful",
                    ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                    false,
                    ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    2000))) {
      assertThat(consumer.listTopics(Duration.ofSeconds(5))).doesNotContainKey("unborn");
      consumer.subscribe(List.of("unborn"));
      consumer.poll(Duration.ofMillis(1500));
      assertThat(server.topics().describe("unborn")).isEmpty();
    }
  }

  @Test
  void metadataCreatesValidNamesOnlyAndKeepsTheTopicId() throws Exception {
    try (KafkaTestServer server = server(dir, 1);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      MetadataResponseTopic created = ask(raw, "fresh", true);
      assertThat(Errors.forCode(created.errorCode())).isEqualTo(Errors.NONE);
      assertThat(created.partitions()).hasSize(1);
      assertThat(created.topicId().toString()).isNotEqualTo("AAAAAAAAAAAAAAAAAAAAAA");
      assertThat(ask(raw, "fresh", true).topicId()).isEqualTo(created.topicId());

      MetadataResponseTopic invalid = ask(raw, "no spaces allowed", true);
      assertThat(Errors.forCode(invalid.errorCode())).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
      assertThat(server.clientTopics()).containsExactly("fresh");

      MetadataResponseTopic notAllowed = ask(raw, "asked-only", false);
      assertThat(Errors.forCode(notAllowed.errorCode()))
          .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
      assertThat(server.topics().describe("asked-only")).isEmpty();
    }
  }

  @Test
  void anEmptyTopicNameIsAnInvalidTopicAtEveryVersion() throws Exception {
    try (KafkaTestServer server = server(dir, 1);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      for (short version : new short[] {1, 4, 9, 12}) {
        MetadataRequestData data =
            new MetadataRequestData()
                .setAllowAutoTopicCreation(true)
                .setTopics(List.of(new MetadataRequestTopic().setName("")));
        MetadataResponse response =
            raw.send(new MetadataRequest.Builder(data).build(version), MetadataResponse.class);
        assertThat(Errors.forCode(response.data().topics().find("").errorCode()))
            .as("v%d", version)
            .isEqualTo(Errors.INVALID_TOPIC_EXCEPTION);
      }
      assertThat(server.clientTopics()).isEmpty();
    }
  }

  private static MetadataResponseTopic ask(RawKafkaConnection raw, String topic, boolean create)
      throws Exception {
    MetadataRequestData data =
        new MetadataRequestData()
            .setAllowAutoTopicCreation(create)
            .setTopics(List.of(new MetadataRequestTopic().setName(topic)));
    MetadataResponse response =
        raw.send(new MetadataRequest.Builder(data).build((short) 12), MetadataResponse.class);
    return response.data().topics().find(topic);
  }
}
