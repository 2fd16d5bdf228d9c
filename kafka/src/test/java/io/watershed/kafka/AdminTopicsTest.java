package io.watershed.kafka;

import static io.watershed.kafka.AdminClients.admin;
import static io.watershed.kafka.AdminClients.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.core.coordinator.CoordinatorTopic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Topics as the real AdminClient manages them: create, describe, grow, delete; the cluster. */
class AdminTopicsTest {
  @TempDir Path dir;

  @Test
  void aCreatedTopicIsReportedWithItsPartitionsIdAndConfigs() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      CreateTopicsResult created =
          admin.createTopics(
              List.of(
                  new NewTopic("orders", 3, (short) 1)
                      .configs(Map.of("retention.ms", "3600000", "min.insync.replicas", "1")),
                  new NewTopic("defaults", Optional.empty(), Optional.empty())));
      created.all().get();

      Uuid id = created.topicId("orders").get();
      assertThat(id)
          .isEqualTo(
              KafkaBroker.toKafka(server.topics().describe("orders").orElseThrow().topicId()));
      assertThat(created.numPartitions("orders").get()).isEqualTo(3);
      assertThat(created.replicationFactor("orders").get()).isEqualTo(1);
      Config configs = created.config("orders").get();
      assertThat(configs.get("retention.ms").value()).isEqualTo("3600000");
      assertThat(configs.get("retention.ms").source())
          .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assertThat(configs.get("segment.bytes").source())
          .isEqualTo(ConfigEntry.ConfigSource.DEFAULT_CONFIG);
      // min.insync.replicas=1 is what a single node has anyway: accepted, nothing stored.
      assertThat(configs.get("min.insync.replicas").value()).isEqualTo("1");
      assertThat(server.topics().describe("orders").orElseThrow().configs())
          .containsOnlyKeys("retention.ms");
      assertThat(created.numPartitions("defaults").get()).isEqualTo(1);

      TopicDescription orders =
          admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders");
      assertThat(orders.topicId()).isEqualTo(id);
      assertThat(orders.partitions()).hasSize(3);
      for (TopicPartitionInfo p : orders.partitions()) {
        assertThat(p.leader().id()).isEqualTo(0);
        assertThat(p.replicas()).extracting(Node::id).containsExactly(0);
        assertThat(p.isr()).extracting(Node::id).containsExactly(0);
      }
    }
  }

  @Test
  void creationIsRefusedWithKafkasErrorsAndValidateOnlyCreatesNothing() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all().get();

      CreateTopicsResult checked =
          admin.createTopics(
              List.of(new NewTopic("checked", 4, (short) 1)),
              new CreateTopicsOptions().validateOnly(true));
      assertThat(checked.numPartitions("checked").get()).isEqualTo(4);
      assertThat(admin.listTopics().names().get()).containsExactly("taken");

      CreateTopicsResult refused =
          admin.createTopics(
              List.of(
                  new NewTopic("taken", 1, (short) 1),
                  new NewTopic("bad name!", 1, (short) 1),
                  new NewTopic("replicated", 1, (short) 3),
                  new NewTopic("no-partitions", 0, (short) 1),
                  new NewTopic("unknown-config", 1, (short) 1).configs(Map.of("flush.ms", "10")),
                  new NewTopic("bad-value", 1, (short) 1).configs(Map.of("retention.ms", "soon")),
                  new NewTopic("two-replicas-in-sync", 1, (short) 1)
                      .configs(Map.of("min.insync.replicas", "2")),
                  new NewTopic("placed", Map.of(0, List.of(0))),
                  new NewTopic("fine", 2, (short) 1)));
      assertFailsWith(refused.values().get("taken"), TopicExistsException.class);
      assertFailsWith(refused.values().get("bad name!"), InvalidTopicException.class);
      assertFailsWith(refused.values().get("replicated"), InvalidReplicationFactorException.class);
      assertFailsWith(refused.values().get("no-partitions"), InvalidPartitionsException.class);
      assertFailsWith(refused.values().get("unknown-config"), InvalidConfigurationException.class);
      assertFailsWith(refused.values().get("bad-value"), InvalidConfigurationException.class);
      assertFailsWith(
          refused.values().get("two-replicas-in-sync"), InvalidConfigurationException.class);
      assertFailsWith(refused.values().get("placed"), InvalidRequestException.class);
      refused.values().get("fine").get();
      assertThat(admin.listTopics().names().get()).containsExactlyInAnyOrder("taken", "fine");
    }
  }

  @Test
  void describingTopicsPagesThroughTheirPartitions() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      admin
          .createTopics(
              List.of(new NewTopic("wide", 5, (short) 1), new NewTopic("narrow", 3, (short) 1)))
          .all()
          .get();
      Map<String, TopicDescription> described =
          admin
              .describeTopics(
                  List.of("wide", "narrow"),
                  new DescribeTopicsOptions().partitionSizeLimitPerResponse(2))
              .allTopicNames()
              .get();
      assertThat(described.get("wide").partitions())
          .extracting(TopicPartitionInfo::partition)
          .containsExactly(0, 1, 2, 3, 4);
      assertThat(described.get("narrow").partitions())
          .extracting(TopicPartitionInfo::partition)
          .containsExactly(0, 1, 2);
      assertFailsWith(
          admin.describeTopics(List.of("missing")).allTopicNames(),
          UnknownTopicOrPartitionException.class);

      // The page boundary itself: topics in name order, a cursor where the limit cut.
      try (RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
        DescribeTopicPartitionsRequestData page =
            new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(4);
        page.topics().add(new TopicRequest().setName("wide"));
        page.topics().add(new TopicRequest().setName("narrow"));
        DescribeTopicPartitionsResponseData first =
            raw.send(
                    new DescribeTopicPartitionsRequest.Builder(page).build((short) 0),
                    DescribeTopicPartitionsResponse.class)
                .data();
        assertThat(first.topics()).extracting(t -> t.name()).containsExactly("narrow", "wide");
        assertThat(first.topics().find("wide").partitions()).hasSize(1);
        assertThat(first.nextCursor().topicName()).isEqualTo("wide");
        assertThat(first.nextCursor().partitionIndex()).isEqualTo(1);
      }
    }
  }

  @Test
  void addedPartitionsTakeRecords() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      admin.createTopics(List.of(new NewTopic("grow", 1, (short) 1))).all().get();

      admin
          .createPartitions(
              Map.of("grow", NewPartitions.increaseTo(3)),
              new CreatePartitionsOptions().validateOnly(true))
          .all()
          .get();
      assertThat(partitionsOf(admin, "grow")).isEqualTo(1);
      admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(3))).all().get();
      assertThat(partitionsOf(admin, "grow")).isEqualTo(3);

      assertFailsWith(
          admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(2))).all(),
          InvalidPartitionsException.class);
      assertFailsWith(
          admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(3))).all(),
          InvalidPartitionsException.class);
      assertFailsWith(
          admin.createPartitions(Map.of("nowhere", NewPartitions.increaseTo(3))).all(),
          UnknownTopicOrPartitionException.class);

      try (KafkaProducer<byte[], byte[]> producer =
          ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
        RecordMetadata sent =
            producer.send(new ProducerRecord<>("grow", 2, null, bytes("in a new partition"))).get();
        assertThat(sent.partition()).isEqualTo(2);
        assertThat(sent.offset()).isZero();
      }
      try (KafkaConsumer<byte[], byte[]> consumer =
          ProduceFetchTest.consumer(server.bootstrap(), Map.of())) {
        TopicPartition tp = new TopicPartition("grow", 2);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<byte[], byte[]>> got = poll(consumer, 1);
        assertThat(new String(got.getFirst().value(), StandardCharsets.UTF_8))
            .isEqualTo("in a new partition");
      }
    }
  }

  /** The partition logs of clients' topics (not those of the coordinator runtime's topic). */
  private static List<String> clientLogs(KafkaTestServer server) {
    return server.topics().logs().names().stream()
        .filter(n -> !n.startsWith(CoordinatorTopic.NAME + "-"))
        .toList();
  }

  @Test
  void topicsAreDeletedByNameAndById() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      CreateTopicsResult created =
          admin.createTopics(
              List.of(new NewTopic("by-name", 2, (short) 1), new NewTopic("by-id", 2, (short) 1)));
      created.all().get();
      Uuid id = created.topicId("by-id").get();
      assertThat(clientLogs(server)).hasSize(4);

      admin.deleteTopics(List.of("by-name")).all().get();
      admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all().get();

      assertThat(admin.listTopics().names().get()).isEmpty();
      assertThat(clientLogs(server)).isEmpty();
      assertFailsWith(
          admin.deleteTopics(List.of("by-name")).all(), UnknownTopicOrPartitionException.class);
      assertFailsWith(
          admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all(),
          UnknownTopicIdException.class);
    }
  }

  @Test
  void theClusterIsThisOneNode() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      DescribeClusterResult cluster = admin.describeCluster();
      assertThat(cluster.clusterId().get()).isEqualTo(server.door().broker().clusterId());
      assertThat(cluster.nodes().get())
          .singleElement()
          .satisfies(
              n -> {
                assertThat(n.id()).isZero();
                assertThat(n.host()).isEqualTo("127.0.0.1");
                assertThat(n.port()).isEqualTo(server.door().port());
              });
      assertThat(cluster.controller().get().id()).isZero();
    }
  }

  private static int partitionsOf(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .size();
  }

  static List<ConsumerRecord<byte[], byte[]>> poll(KafkaConsumer<byte[], byte[]> consumer, int n) {
    List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 15_000;
    while (got.size() < n && System.currentTimeMillis() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(got::add);
    }
    assertThat(got).hasSizeGreaterThanOrEqualTo(n);
    return got;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theEventStoreLogIsReadableButClientsCannotDeleteGrowOrWriteIt() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      String all = "__eventstore_all";
      server.topics().create(all, 1, Map.of()).get();
      TopicDescription d = admin.describeTopics(List.of(all)).allTopicNames().get().get(all);
      assertThat(d.isInternal()).isTrue();
      assertFailsWith(admin.deleteTopics(List.of(all)).all(), InvalidTopicException.class);
      assertFailsWith(
          admin.createPartitions(Map.of(all, NewPartitions.increaseTo(2))).all(),
          InvalidTopicException.class);
      try (KafkaProducer<byte[], byte[]> producer =
          ProduceFetchTest.producer(
              server.bootstrap(),
              Map.of("delivery.timeout.ms", 10000, "request.timeout.ms", 5000))) {
        assertThatThrownBy(() -> producer.send(new ProducerRecord<>(all, new byte[] {1})).get())
            .cause()
            .isInstanceOf(InvalidTopicException.class);
      }
      assertThat(server.topics().describe(all)).isPresent();
    }
  }
}
