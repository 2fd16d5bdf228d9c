package io.watershed.kafka;

import static io.watershed.kafka.AdminClients.admin;
import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.LogConfig;
import io.watershed.log.PartitionLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every topic config the log honours can be set with CreateTopics, IncrementalAlterConfigs and the
 * legacy AlterConfigs (each with validate-only, which changes nothing), is then described as a
 * dynamic topic config and applied to the partition log, and can be deleted back to its default.
 * The list of values below must name every config of {@link LogConfig}: a config added to the log
 * fails this test until it is covered here.
 */
class EveryTopicConfigTest {
  /** For each honoured config, a valid value other than Kafka's default. */
  private static final Map<String, String> NON_DEFAULT =
      new TreeMap<>(
          Map.ofEntries(
              Map.entry(LogConfig.SEGMENT_BYTES, "4096"),
              Map.entry(LogConfig.SEGMENT_MS, "60000"),
              Map.entry(LogConfig.RETENTION_MS, "120000"),
              Map.entry(LogConfig.RETENTION_BYTES, "1048576"),
              Map.entry(LogConfig.CLEANUP_POLICY, "compact"),
              Map.entry(LogConfig.DELETE_RETENTION_MS, "1000"),
              Map.entry(LogConfig.MIN_COMPACTION_LAG_MS, "5000"),
              Map.entry(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "0.25"),
              Map.entry(LogConfig.MAX_MESSAGE_BYTES, "2000"),
              Map.entry(LogConfig.MESSAGE_TIMESTAMP_TYPE, "LogAppendTime"),
              Map.entry(LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "86400000"),
              Map.entry(LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, "60000"),
              Map.entry(LogConfig.INDEX_INTERVAL_BYTES, "1024")));

  /** The newest AlterConfigs, as kafka-python and librdkafka send it. */
  private static final short VERSION = 2;

  @TempDir Path dir;

  @Test
  void theListCoversEveryConfigTheLogHonours() {
    assertThat(NON_DEFAULT.keySet()).containsExactlyInAnyOrderElementsOf(LogConfig.names());
    NON_DEFAULT.forEach(
        (name, value) -> {
          assertThat(LogConfig.validate(name, value)).as(name).isEmpty();
          assertThat(LogConfig.DEFAULTS.toMap().get(name)).as(name).isNotEqualTo(value);
        });
  }

  @Test
  void eachHonouredConfigIsSetDescribedAppliedAndDeletedThroughEveryAdminApi() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        Admin admin = admin(server.bootstrap());
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      for (Map.Entry<String, String> e : NON_DEFAULT.entrySet()) {
        String name = e.getKey();
        String value = e.getValue();
        String topic = "t-" + name.replace('.', '-');

        admin
            .createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(name, value))))
            .all()
            .get();
        assertSet(server, admin, topic, name, value);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);

        alter(admin, resource, name, null, OpType.DELETE, false);
        assertDefault(server, admin, topic, name);

        alter(admin, resource, name, value, OpType.SET, true);
        assertDefault(server, admin, topic, name);
        alter(admin, resource, name, value, OpType.SET, false);
        assertSet(server, admin, topic, name, value);

        // The legacy API replaces all of a topic's overrides with those it names.
        assertThat(AdminConfigsTest.legacyAlter(raw, resource, Map.of(), false, VERSION))
            .isEqualTo(Errors.NONE);
        assertDefault(server, admin, topic, name);
        assertThat(AdminConfigsTest.legacyAlter(raw, resource, Map.of(name, value), true, VERSION))
            .isEqualTo(Errors.NONE);
        assertDefault(server, admin, topic, name);
        assertThat(AdminConfigsTest.legacyAlter(raw, resource, Map.of(name, value), false, VERSION))
            .isEqualTo(Errors.NONE);
        assertSet(server, admin, topic, name, value);
      }
    }
  }

  private static void alter(
      Admin admin,
      ConfigResource resource,
      String name,
      String value,
      OpType op,
      boolean validateOnly)
      throws Exception {
    admin
        .incrementalAlterConfigs(
            Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(name, value), op))),
            new AlterConfigsOptions().validateOnly(validateOnly))
        .all()
        .get();
  }

  private static void assertSet(
      KafkaTestServer server, Admin admin, String topic, String name, String value)
      throws Exception {
    ConfigEntry described = describe(admin, topic, name);
    assertThat(described.value()).as("%s described", name).isEqualTo(value);
    assertThat(described.source()).as(name).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
    assertThat(applied(server, topic, name)).as("%s applied to the log", name).isEqualTo(value);
  }

  private static void assertDefault(KafkaTestServer server, Admin admin, String topic, String name)
      throws Exception {
    String kafkaDefault = LogConfig.DEFAULTS.toMap().get(name);
    ConfigEntry described = describe(admin, topic, name);
    assertThat(described.source()).as(name).isEqualTo(ConfigSource.DEFAULT_CONFIG);
    assertThat(applied(server, topic, name))
        .as("%s applied to the log", name)
        .isEqualTo(kafkaDefault);
  }

  private static String applied(KafkaTestServer server, String topic, String name) {
    PartitionLog log = server.topics().partition(topic, 0).orElseThrow();
    return log.config().toMap().get(name);
  }

  private static ConfigEntry describe(Admin admin, String topic, String name) throws Exception {
    return AdminConfigsTest.describe(admin, new ConfigResource(ConfigResource.Type.TOPIC, topic))
        .get(name);
  }
}
