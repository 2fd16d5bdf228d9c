package io.watershed.kafka.handlers;

import io.watershed.log.LogConfig;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * The topic configs Kafka clients see through this door, in two kinds:
 *
 * <ul>
 *   <li><b>honoured</b>: every config the log engine applies ({@link LogConfig#names()}); a topic
 *       may override each, and a change takes effect on its partition logs.
 *   <li><b>fixed</b>: Kafka topic configs that tools commonly read or set and whose value this
 *       single-node broker already embodies (one replica, batches stored as the producer compressed
 *       them, no tiered storage). They are described read-only with that value, and a request
 *       setting one to that same value is accepted without storing anything; any other value is
 *       refused, because it would promise behaviour the broker does not have.
 * </ul>
 *
 * <p>Kafka configs in neither list (say {@code flush.ms}, whose meaning {@code log.flush} replaces,
 * or {@code segment.index.bytes}) are unknown here and refused. Each entry names its broker-wide
 * synonym as Kafka spells it ({@code retention.ms} → {@code log.retention.ms}), which is how
 * DescribeConfigs reports a default set in the server configuration. Immutable and thread-safe.
 */
final class TopicConfigCatalog {

  /**
   * One topic config.
   *
   * @param name the topic config name
   * @param type its data type
   * @param brokerName Kafka's name of the broker-wide default, or null when Kafka has none
   * @param fixedValue the only value this broker has, or null when the log honours the config
   * @param documentation what it does, as Kafka documents it, plus why it is fixed when it is
   */
  record Entry(
      String name, ConfigType type, String brokerName, String fixedValue, String documentation) {

    /** Whether the log engine applies this config (rather than it being fixed). */
    boolean honoured() {
      return fixedValue == null;
    }
  }

  private static final Map<String, Entry> ENTRIES = new TreeMap<>();

  static {
    honoured(
        LogConfig.SEGMENT_BYTES,
        ConfigType.INT,
        "log.segment.bytes",
        TopicConfig.SEGMENT_BYTES_DOC);
    honoured(LogConfig.SEGMENT_MS, ConfigType.LONG, "log.roll.ms", TopicConfig.SEGMENT_MS_DOC);
    honoured(
        LogConfig.RETENTION_MS, ConfigType.LONG, "log.retention.ms", TopicConfig.RETENTION_MS_DOC);
    honoured(
        LogConfig.RETENTION_BYTES,
        ConfigType.LONG,
        "log.retention.bytes",
        TopicConfig.RETENTION_BYTES_DOC);
    honoured(
        LogConfig.CLEANUP_POLICY,
        ConfigType.LIST,
        "log.cleanup.policy",
        TopicConfig.CLEANUP_POLICY_DOC);
    honoured(
        LogConfig.DELETE_RETENTION_MS,
        ConfigType.LONG,
        "log.cleaner.delete.retention.ms",
        TopicConfig.DELETE_RETENTION_MS_DOC);
    honoured(
        LogConfig.MIN_COMPACTION_LAG_MS,
        ConfigType.LONG,
        "log.cleaner.min.compaction.lag.ms",
        TopicConfig.MIN_COMPACTION_LAG_MS_DOC);
    honoured(
        LogConfig.MIN_CLEANABLE_DIRTY_RATIO,
        ConfigType.DOUBLE,
        "log.cleaner.min.cleanable.ratio",
        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC);
    honoured(
        LogConfig.MAX_MESSAGE_BYTES,
        ConfigType.INT,
        "message.max.bytes",
        TopicConfig.MAX_MESSAGE_BYTES_DOC);
    honoured(
        LogConfig.MESSAGE_TIMESTAMP_TYPE,
        ConfigType.STRING,
        "log.message.timestamp.type",
        TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC);
    honoured(
        LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
        ConfigType.LONG,
        "log.message.timestamp.before.max.ms",
        TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC);
    honoured(
        LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS,
        ConfigType.LONG,
        "log.message.timestamp.after.max.ms",
        TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC);
    honoured(
        LogConfig.INDEX_INTERVAL_BYTES,
        ConfigType.INT,
        "log.index.interval.bytes",
        TopicConfig.INDEX_INTERVAL_BYTES_DOC);

    fixed(
        TopicConfig.COMPRESSION_TYPE_CONFIG,
        ConfigType.STRING,
        "compression.type",
        "producer",
        TopicConfig.COMPRESSION_TYPE_DOC,
        "batches are stored exactly as the producer compressed them");
    fixed(
        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
        ConfigType.INT,
        "min.insync.replicas",
        "1",
        TopicConfig.MIN_IN_SYNC_REPLICAS_DOC,
        "every partition has exactly one replica");
    fixed(
        TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG,
        ConfigType.BOOLEAN,
        "unclean.leader.election.enable",
        "false",
        TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC,
        "with one replica there is never another leader to elect");
    fixed(
        TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
        ConfigType.LONG,
        "log.cleaner.max.compaction.lag.ms",
        Long.toString(Long.MAX_VALUE),
        TopicConfig.MAX_COMPACTION_LAG_MS_DOC,
        "compaction is started by min.cleanable.dirty.ratio only");
    fixed(
        TopicConfig.SEGMENT_JITTER_MS_CONFIG,
        ConfigType.LONG,
        "log.roll.jitter.ms",
        "0",
        TopicConfig.SEGMENT_JITTER_MS_DOC,
        "segments roll exactly at segment.ms");
    fixed(
        TopicConfig.PREALLOCATE_CONFIG,
        ConfigType.BOOLEAN,
        "log.preallocate",
        "false",
        TopicConfig.PREALLOCATE_DOC,
        "segment files grow as they are written");
    fixed(
        TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG,
        ConfigType.BOOLEAN,
        null,
        "false",
        TopicConfig.REMOTE_LOG_STORAGE_ENABLE_DOC,
        "there is no tiered storage");
    fixed(
        TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG,
        ConfigType.LONG,
        "log.local.retention.ms",
        "-2",
        TopicConfig.LOCAL_LOG_RETENTION_MS_DOC,
        "there is no tiered storage, so the local log is the whole log");
    fixed(
        TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG,
        ConfigType.LONG,
        "log.local.retention.bytes",
        "-2",
        TopicConfig.LOCAL_LOG_RETENTION_BYTES_DOC,
        "there is no tiered storage, so the local log is the whole log");

    // A config the log engine learns later is still described and alterable, only without a
    // type or documentation until it is added above (a test checks that none is missing).
    for (String name : LogConfig.names()) {
      ENTRIES.putIfAbsent(name, new Entry(name, ConfigType.UNKNOWN, "log." + name, null, null));
    }
  }

  private TopicConfigCatalog() {}

  private static void honoured(String name, ConfigType type, String brokerName, String doc) {
    ENTRIES.put(name, new Entry(name, type, brokerName, null, doc));
  }

  private static void fixed(
      String name, ConfigType type, String brokerName, String value, String doc, String why) {
    // Should the log engine come to honour one of these, the honoured entry must win.
    if (!LogConfig.names().contains(name)) {
      ENTRIES.put(
          name,
          new Entry(
              name,
              type,
              brokerName,
              value,
              doc + " In Watershed this is fixed at " + value + ": " + why + "."));
    }
  }

  /** Every entry, sorted by name. */
  static Collection<Entry> all() {
    return Collections.unmodifiableCollection(ENTRIES.values());
  }

  static Optional<Entry> find(String name) {
    return Optional.ofNullable(ENTRIES.get(name));
  }
}
