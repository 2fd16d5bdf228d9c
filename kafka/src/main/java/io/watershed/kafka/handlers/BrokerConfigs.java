package io.watershed.kafka.handlers;

import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaConfig;
import io.watershed.kafka.handlers.DescribedConfig.Synonym;
import io.watershed.log.LogManagerConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * The broker resource (this node's id) as DescribeConfigs shows it: the settings of this broker
 * that Kafka clients and tools commonly read, under Kafka's broker config names, and the
 * broker-wide default of every topic config in the {@link TopicConfigCatalog}.
 *
 * <p>All are read-only: they come from the server configuration at start-up. A value differing from
 * Kafka's default is reported as {@code STATIC_BROKER_CONFIG}, otherwise as {@code DEFAULT_CONFIG}.
 * Thread-safe.
 */
final class BrokerConfigs {
  private final KafkaBroker broker;
  private final TopicConfigDescriber topicConfigs;

  BrokerConfigs(KafkaBroker broker, TopicConfigDescriber topicConfigs) {
    this.broker = broker;
    this.topicConfigs = topicConfigs;
  }

  /** Every broker config, sorted by name. */
  List<DescribedConfig> describe() {
    KafkaConfig c = broker.config();
    LogManagerConfig logs = broker.topics().logs().config();
    Node node = broker.node();
    List<DescribedConfig> out = new ArrayList<>();
    String id = Integer.toString(c.nodeId());
    add(out, "node.id", id, null, ConfigType.INT, "The id of this node.");
    add(out, "broker.id", id, "-1", ConfigType.INT, "The id of this broker (same as node.id).");
    add(
        out,
        "process.roles",
        "broker,controller",
        null,
        ConfigType.LIST,
        "This single node is both the broker and the metadata controller.");
    add(
        out,
        "advertised.listeners",
        "PLAINTEXT://" + node.host() + ":" + node.port(),
        null,
        ConfigType.STRING,
        "The address clients are told to connect to.");
    add(
        out,
        "log.dirs",
        logs.root().toAbsolutePath().toString(),
        null,
        ConfigType.STRING,
        "The directory holding every partition log.");
    add(
        out,
        "num.partitions",
        Integer.toString(c.defaultPartitions()),
        "1",
        ConfigType.INT,
        "Partitions of a topic created without a partition count.");
    add(
        out,
        "default.replication.factor",
        "1",
        "1",
        ConfigType.INT,
        "Replicas of a new topic: always one on this single-node broker.");
    add(
        out,
        "auto.create.topics.enable",
        Boolean.toString(c.autoCreateTopics()),
        "true",
        ConfigType.BOOLEAN,
        "Whether a topic that a client asks metadata for is created.");
    add(
        out,
        "delete.topic.enable",
        "true",
        "true",
        ConfigType.BOOLEAN,
        "Whether topics can be deleted.");
    add(
        out,
        "socket.request.max.bytes",
        Integer.toString(c.maxRequestBytes()),
        "104857600",
        ConfigType.INT,
        "The largest request accepted, in bytes.");
    add(
        out,
        "log.retention.check.interval.ms",
        Long.toString(logs.retentionCheckIntervalMs()),
        "300000",
        ConfigType.LONG,
        "How often retention deletes expired segments.");
    add(
        out,
        "log.cleaner.backoff.ms",
        Long.toString(logs.cleanerIntervalMs()),
        "15000",
        ConfigType.LONG,
        "How often the cleaner looks for partitions to compact.");
    add(
        out,
        "group.initial.rebalance.delay.ms",
        Integer.toString(c.groupInitialRebalanceDelayMs()),
        "3000",
        ConfigType.INT,
        "How long the first rebalance of an empty classic group waits for more members.");
    add(
        out,
        "group.min.session.timeout.ms",
        Integer.toString(c.groupMinSessionTimeoutMs()),
        "6000",
        ConfigType.INT,
        "The smallest session timeout a classic group member may ask for.");
    add(
        out,
        "group.max.session.timeout.ms",
        Integer.toString(c.groupMaxSessionTimeoutMs()),
        "1800000",
        ConfigType.INT,
        "The largest session timeout a classic group member may ask for.");
    add(
        out,
        "group.consumer.session.timeout.ms",
        Integer.toString(c.consumerGroupSessionTimeoutMs()),
        "45000",
        ConfigType.INT,
        "The session timeout of consumer-protocol group members.");
    add(
        out,
        "group.consumer.heartbeat.interval.ms",
        Integer.toString(c.consumerGroupHeartbeatIntervalMs()),
        "5000",
        ConfigType.INT,
        "The heartbeat interval told to consumer-protocol group members.");
    for (TopicConfigCatalog.Entry e : TopicConfigCatalog.all()) {
      if (e.brokerName() != null) {
        out.add(topicConfigs.brokerDefault(e));
      }
    }
    out.sort(Comparator.comparing(DescribedConfig::name));
    return out;
  }

  /**
   * Adds one read-only setting.
   *
   * @param kafkaDefault Kafka's default, or null when Kafka has none (then the value always comes
   *     from the server configuration)
   */
  private static void add(
      List<DescribedConfig> out,
      String name,
      String value,
      String kafkaDefault,
      ConfigType type,
      String doc) {
    ConfigSource source =
        value.equals(kafkaDefault)
            ? ConfigSource.DEFAULT_CONFIG
            : ConfigSource.STATIC_BROKER_CONFIG;
    List<Synonym> synonyms = new ArrayList<>();
    synonyms.add(new Synonym(name, value, source));
    if (source == ConfigSource.STATIC_BROKER_CONFIG && kafkaDefault != null) {
      synonyms.add(new Synonym(name, kafkaDefault, ConfigSource.DEFAULT_CONFIG));
    }
    out.add(new DescribedConfig(name, value, source, true, List.copyOf(synonyms), type, doc));
  }
}
