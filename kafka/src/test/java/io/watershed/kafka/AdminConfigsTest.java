package io.watershed.kafka;

import static io.watershed.kafka.AdminClients.admin;
import static io.watershed.kafka.AdminClients.assertFailsWith;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogConfig;
import io.watershed.log.LogManagerConfig;
import io.watershed.log.PartitionLog;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic and broker configs through the real AdminClient: described with their sources, changed with
 * IncrementalAlterConfigs (and the legacy AlterConfigs over a raw socket), and in effect on the
 * partition logs at once.
 */
class AdminConfigsTest {
  private static final String ONE_DAY_MS = "86400000";

  @TempDir Path dir;

  @Test
  void topicConfigsAreDescribedWithSourcesSynonymsTypesAndDocumentation() throws Exception {
    LogManagerConfig engine =
        LogManagerConfig.defaults(dir)
            .withDefaults(LogConfig.DEFAULTS.with(Map.of(LogConfig.RETENTION_MS, ONE_DAY_MS)));
    try (TopicStore topics = TopicStore.open(dir, engine);
        CoordinatorRuntime coordinators =
            CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS);
        KafkaFrontDoor door =
            new KafkaFrontDoor(
                KafkaConfig.defaults("127.0.0.1", 0, "127.0.0.1"), topics, coordinators)) {
      door.start();
      try (Admin admin = admin("127.0.0.1:" + door.port())) {
        admin
            .createTopics(
                List.of(
                    new NewTopic("described", 1, (short) 1).configs(Map.of("segment.ms", "60000"))))
            .all()
            .get();
        Config config = describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, "described"));

        ConfigEntry segmentMs = config.get("segment.ms");
        assertThat(segmentMs.value()).isEqualTo("60000");
        assertThat(segmentMs.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(segmentMs.isReadOnly()).isFalse();
        assertThat(segmentMs.type()).isEqualTo(ConfigEntry.ConfigType.LONG);
        assertThat(segmentMs.synonyms())
            .extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::source)
            .containsExactly(
                tuple("segment.ms", ConfigSource.DYNAMIC_TOPIC_CONFIG),
                tuple("log.roll.ms", ConfigSource.DEFAULT_CONFIG));

        ConfigEntry retentionMs = config.get("retention.ms");
        assertThat(retentionMs.value()).isEqualTo(ONE_DAY_MS);
        assertThat(retentionMs.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(retentionMs.synonyms().getFirst().name()).isEqualTo("log.retention.ms");

        ConfigEntry cleanup = config.get("cleanup.policy");
        assertThat(cleanup.value()).isEqualTo("delete");
        assertThat(cleanup.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(cleanup.type()).isEqualTo(ConfigEntry.ConfigType.LIST);
        assertThat(cleanup.documentation()).contains("compact");

        for (String honoured : LogConfig.names()) {
          assertThat(config.get(honoured)).as(honoured).isNotNull();
          assertThat(config.get(honoured).isReadOnly()).as(honoured).isFalse();
        }
        assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
        assertThat(config.get("min.insync.replicas").isReadOnly()).isTrue();
        assertThat(config.get("compression.type").value()).isEqualTo("producer");

        Config brokerConfig = describe(admin, new ConfigResource(ConfigResource.Type.BROKER, "0"));
        assertThat(brokerConfig.get("log.retention.ms").value()).isEqualTo(ONE_DAY_MS);
        assertThat(brokerConfig.get("log.retention.ms").source())
            .isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(brokerConfig.get("num.partitions").value()).isEqualTo("1");
        assertThat(brokerConfig.get("message.max.bytes").source())
            .isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(brokerConfig.get("log.dirs").value())
            .isEqualTo(dir.resolve("log").toAbsolutePath().toString());
        assertThat(brokerConfig.entries()).allMatch(ConfigEntry::isReadOnly);

        assertFailsWith(
            admin
                .describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "absent")))
                .all(),
            UnknownTopicOrPartitionException.class);
        // The AdminClient sends a broker's describe to that broker, so ask this one directly.
        try (RawKafkaConnection raw = new RawKafkaConnection(door.port())) {
          DescribeConfigsRequestData otherBroker = new DescribeConfigsRequestData();
          otherBroker
              .resources()
              .add(
                  new DescribeConfigsResource()
                      .setResourceType(ConfigResource.Type.BROKER.id())
                      .setResourceName("7"));
          DescribeConfigsResponse answer =
              raw.send(
                  new DescribeConfigsRequest.Builder(otherBroker).build((short) 4),
                  DescribeConfigsResponse.class);
          assertThat(answer.data().results().getFirst().errorCode())
              .isEqualTo(Errors.INVALID_REQUEST.code());
        }
      }
    }
  }

  @Test
  void incrementalAlterConfigsSetsDeletesAppendsAndSubtracts() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap())) {
      admin.createTopics(List.of(new NewTopic("tuned", 1, (short) 1))).all().get();
      ConfigResource tuned = new ConfigResource(ConfigResource.Type.TOPIC, "tuned");

      alter(admin, tuned, op("retention.ms", "120000", OpType.SET));
      assertThat(describe(admin, tuned).get("retention.ms").value()).isEqualTo("120000");
      assertThat(log(server, "tuned").config().retentionMs()).isEqualTo(120_000);

      alter(admin, tuned, op("cleanup.policy", "compact", OpType.APPEND));
      assertThat(describe(admin, tuned).get("cleanup.policy").value()).isEqualTo("delete,compact");
      alter(admin, tuned, op("cleanup.policy", "delete", OpType.SUBTRACT));
      assertThat(describe(admin, tuned).get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(log(server, "tuned").config().cleanupDelete()).isFalse();

      alter(admin, tuned, op("retention.ms", null, OpType.DELETE));
      ConfigEntry retention = describe(admin, tuned).get("retention.ms");
      assertThat(retention.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
      assertThat(log(server, "tuned").config().retentionMs())
          .isEqualTo(LogConfig.DEFAULTS.retentionMs());

      admin
          .incrementalAlterConfigs(
              Map.of(tuned, List.of(op("segment.bytes", "4096", OpType.SET))),
              new AlterConfigsOptions().validateOnly(true))
          .all()
          .get();
      assertThat(describe(admin, tuned).get("segment.bytes").source())
          .isEqualTo(ConfigSource.DEFAULT_CONFIG);

      // What a single node already is may be "set"; anything else is refused, not ignored.
      alter(admin, tuned, op("compression.type", "producer", OpType.SET));
      assertFailsWith(
          alterResult(admin, tuned, op("compression.type", "gzip", OpType.SET)),
          InvalidConfigurationException.class);
      assertFailsWith(
          alterResult(admin, tuned, op("flush.messages", "1", OpType.SET)),
          InvalidConfigurationException.class);
      assertFailsWith(
          alterResult(admin, tuned, op("segment.bytes", "tiny", OpType.SET)),
          InvalidConfigurationException.class);
      assertFailsWith(
          alterResult(admin, tuned, op("retention.ms", "1", OpType.APPEND)),
          InvalidConfigurationException.class);
      assertFailsWith(
          alterResult(
              admin,
              new ConfigResource(ConfigResource.Type.TOPIC, "absent"),
              op("retention.ms", "1", OpType.SET)),
          UnknownTopicOrPartitionException.class);
      assertFailsWith(
          alterResult(
              admin,
              new ConfigResource(ConfigResource.Type.BROKER, "0"),
              op("log.retention.ms", "1", OpType.SET)),
          InvalidRequestException.class);
      assertThat(server.topics().describe("tuned").orElseThrow().configs())
          .isEqualTo(Map.of("cleanup.policy", "compact"));
    }
  }

  @Test
  void legacyAlterConfigsReplacesEveryOverride() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap());
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("replaced", 1, (short) 1)
                      .configs(Map.of("retention.ms", "120000", "segment.ms", "60000"))))
          .all()
          .get();
      ConfigResource replaced = new ConfigResource(ConfigResource.Type.TOPIC, "replaced");
      for (short version = 0; version <= 2; version++) {
        assertThat(legacyAlter(raw, replaced, Map.of("unknown.config", "1"), false, version))
            .isEqualTo(Errors.INVALID_CONFIG);
        assertThat(legacyAlter(raw, replaced, Map.of("max.message.bytes", "2000"), true, version))
            .isEqualTo(Errors.NONE);
        assertThat(server.topics().describe("replaced").orElseThrow().configs())
            .containsOnlyKeys("retention.ms", "segment.ms");
      }
      assertThat(legacyAlter(raw, replaced, Map.of("max.message.bytes", "2000"), false, (short) 2))
          .isEqualTo(Errors.NONE);
      assertThat(server.topics().describe("replaced").orElseThrow().configs())
          .isEqualTo(Map.of("max.message.bytes", "2000"));
      assertThat(log(server, "replaced").config().maxMessageBytes()).isEqualTo(2000);
      assertThat(log(server, "replaced").config().retentionMs())
          .isEqualTo(LogConfig.DEFAULTS.retentionMs());
      assertThat(
              legacyAlter(
                  raw,
                  new ConfigResource(ConfigResource.Type.TOPIC, "absent"),
                  Map.of(),
                  false,
                  (short) 2))
          .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }
  }

  /** The legacy AlterConfigs (which the Java AdminClient no longer has) at {@code version}. */
  static Errors legacyAlter(
      RawKafkaConnection raw,
      ConfigResource resource,
      Map<String, String> configs,
      boolean validateOnly,
      short version)
      throws Exception {
    List<AlterConfigsRequest.ConfigEntry> entries =
        configs.entrySet().stream()
            .map(e -> new AlterConfigsRequest.ConfigEntry(e.getKey(), e.getValue()))
            .toList();
    AlterConfigsResponse response =
        raw.send(
            new AlterConfigsRequest.Builder(
                    Map.of(resource, new AlterConfigsRequest.Config(entries)), validateOnly)
                .build(version),
            AlterConfigsResponse.class);
    return response.errors().get(resource).error();
  }

  static Config describe(Admin admin, ConfigResource resource) throws Exception {
    return admin
        .describeConfigs(
            List.of(resource),
            new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true))
        .all()
        .get()
        .get(resource);
  }

  static void alter(Admin admin, ConfigResource resource, AlterConfigOp... ops) throws Exception {
    alterResult(admin, resource, ops).get();
  }

  static KafkaFuture<Void> alterResult(Admin admin, ConfigResource resource, AlterConfigOp... ops) {
    Collection<AlterConfigOp> all = List.of(ops);
    return admin.incrementalAlterConfigs(Map.of(resource, all)).all();
  }

  static AlterConfigOp op(String name, String value, OpType type) {
    return new AlterConfigOp(new ConfigEntry(name, value), type);
  }

  static PartitionLog log(KafkaTestServer server, String topic) {
    return server.topics().partition(topic, 0).orElseThrow();
  }
}
