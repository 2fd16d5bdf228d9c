package io.watershed.log;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The per-partition settings the log honours, by their Kafka topic-config names. Immutable; a
 * change of configuration installs a new instance with {@link PartitionLog#updateConfig}.
 *
 * @param segmentBytes roll the active segment when the next batch would make it larger
 * @param segmentMs roll the active segment when its first batch is older than this
 * @param retentionMs delete segments whose newest record is older than this; -1 keeps forever
 * @param retentionBytes delete the oldest segments while the log is larger; -1 means no limit
 * @param cleanupDelete whether {@code cleanup.policy} contains {@code delete}
 * @param cleanupCompact whether {@code cleanup.policy} contains {@code compact}
 * @param deleteRetentionMs how long a tombstone survives compaction
 * @param minCompactionLagMs records younger than this are never compacted
 * @param minCleanableDirtyRatio compact once this share of the log has not been compacted yet
 * @param maxMessageBytes the largest batch accepted, in bytes
 * @param logAppendTime whether {@code message.timestamp.type} is {@code LogAppendTime}
 * @param timestampBeforeMaxMs reject CreateTime timestamps further in the past than this
 * @param timestampAfterMaxMs reject CreateTime timestamps further in the future than this
 * @param indexIntervalBytes bytes of records between two sparse index entries
 */
public record LogConfig(
    int segmentBytes,
    long segmentMs,
    long retentionMs,
    long retentionBytes,
    boolean cleanupDelete,
    boolean cleanupCompact,
    long deleteRetentionMs,
    long minCompactionLagMs,
    double minCleanableDirtyRatio,
    int maxMessageBytes,
    boolean logAppendTime,
    long timestampBeforeMaxMs,
    long timestampAfterMaxMs,
    int indexIntervalBytes) {

  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
  public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
  public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
  public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";

  /** The smallest segment size accepted: room for a batch header and a little data. */
  public static final int MIN_SEGMENT_BYTES = 128;

  /** Kafka's defaults (Apache Kafka 4.x). */
  public static final LogConfig DEFAULTS =
      new LogConfig(
          1024 * 1024 * 1024,
          7L * 24 * 3600 * 1000,
          7L * 24 * 3600 * 1000,
          -1,
          true,
          false,
          24L * 3600 * 1000,
          0,
          0.5,
          1024 * 1024 + 12,
          false,
          Long.MAX_VALUE,
          3600 * 1000,
          4096);

  /** One setting: how to parse it and how to write it back. */
  private record Key(String name, Function<String, Object> parse, String doc) {}

  private static final Map<String, Key> KEYS = new LinkedHashMap<>();

  static {
    key(SEGMENT_BYTES, v -> intAtLeast(v, MIN_SEGMENT_BYTES), "segment size in bytes");
    key(SEGMENT_MS, v -> longAtLeast(v, 1), "segment age before a roll, ms");
    key(RETENTION_MS, v -> longAtLeast(v, -1), "time retention, ms; -1 = forever");
    key(RETENTION_BYTES, v -> longAtLeast(v, -1), "size retention, bytes; -1 = no limit");
    key(CLEANUP_POLICY, LogConfig::parseCleanupPolicy, "delete, compact or compact,delete");
    key(DELETE_RETENTION_MS, v -> longAtLeast(v, 0), "tombstone retention after compaction, ms");
    key(MIN_COMPACTION_LAG_MS, v -> longAtLeast(v, 0), "minimum age before compaction, ms");
    key(MIN_CLEANABLE_DIRTY_RATIO, LogConfig::parseRatio, "dirty share that triggers compaction");
    key(MAX_MESSAGE_BYTES, v -> intAtLeast(v, 0), "largest batch accepted, bytes");
    key(MESSAGE_TIMESTAMP_TYPE, LogConfig::parseTimestampType, "CreateTime or LogAppendTime");
    key(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, v -> longAtLeast(v, 0), "max age of a CreateTime, ms");
    key(MESSAGE_TIMESTAMP_AFTER_MAX_MS, v -> longAtLeast(v, 0), "max future skew, ms");
    key(INDEX_INTERVAL_BYTES, v -> intAtLeast(v, 0), "bytes between index entries");
  }

  private static void key(String name, Function<String, Object> parse, String doc) {
    KEYS.put(name, new Key(name, parse, doc));
  }

  /** The names of every setting this class understands, in a stable order. */
  public static List<String> names() {
    return List.copyOf(KEYS.keySet());
  }

  /**
   * Checks one setting.
   *
   * @return empty when {@code value} is valid for {@code name}, otherwise a readable reason
   */
  public static Optional<String> validate(String name, String value) {
    Key key = KEYS.get(name);
    if (key == null) {
      return Optional.of("unknown topic config '" + name + "'");
    }
    try {
      key.parse.apply(value);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of("invalid value '" + value + "' for " + name + ": " + e.getMessage());
    }
  }

  /**
   * Applies {@code overrides} on top of this configuration.
   *
   * @throws IllegalArgumentException when a key is unknown or a value invalid
   */
  public LogConfig with(Map<String, String> overrides) {
    Map<String, String> all = new LinkedHashMap<>(toMap());
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      validate(e.getKey(), e.getValue())
          .ifPresent(
              reason -> {
                throw new IllegalArgumentException(reason);
              });
      all.put(e.getKey(), e.getValue());
    }
    return fromCompleteMap(all);
  }

  /**
   * Every value parsed by its key's own parser, the one {@link #validate} uses, so that what
   * validation accepts (values with surrounding whitespace, as Kafka accepts them) always parses.
   */
  private static LogConfig fromCompleteMap(Map<String, String> m) {
    boolean[] policy = parsed(m, CLEANUP_POLICY);
    return new LogConfig(
        (Integer) parsed(m, SEGMENT_BYTES),
        (Long) parsed(m, SEGMENT_MS),
        (Long) parsed(m, RETENTION_MS),
        (Long) parsed(m, RETENTION_BYTES),
        policy[0],
        policy[1],
        (Long) parsed(m, DELETE_RETENTION_MS),
        (Long) parsed(m, MIN_COMPACTION_LAG_MS),
        (Double) parsed(m, MIN_CLEANABLE_DIRTY_RATIO),
        (Integer) parsed(m, MAX_MESSAGE_BYTES),
        (Boolean) parsed(m, MESSAGE_TIMESTAMP_TYPE),
        (Long) parsed(m, MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
        (Long) parsed(m, MESSAGE_TIMESTAMP_AFTER_MAX_MS),
        (Integer) parsed(m, INDEX_INTERVAL_BYTES));
  }

  @SuppressWarnings("unchecked")
  private static <T> T parsed(Map<String, String> m, String name) {
    return (T) KEYS.get(name).parse.apply(m.get(name));
  }

  /** Every setting as its configuration string, by name. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
    m.put(SEGMENT_MS, Long.toString(segmentMs));
    m.put(RETENTION_MS, Long.toString(retentionMs));
    m.put(RETENTION_BYTES, Long.toString(retentionBytes));
    m.put(CLEANUP_POLICY, cleanupPolicy());
    m.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
    m.put(MIN_COMPACTION_LAG_MS, Long.toString(minCompactionLagMs));
    m.put(MIN_CLEANABLE_DIRTY_RATIO, Double.toString(minCleanableDirtyRatio));
    m.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
    m.put(MESSAGE_TIMESTAMP_TYPE, logAppendTime ? "LogAppendTime" : "CreateTime");
    m.put(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Long.toString(timestampBeforeMaxMs));
    m.put(MESSAGE_TIMESTAMP_AFTER_MAX_MS, Long.toString(timestampAfterMaxMs));
    m.put(INDEX_INTERVAL_BYTES, Integer.toString(indexIntervalBytes));
    return m;
  }

  public String cleanupPolicy() {
    if (cleanupCompact && cleanupDelete) {
      return "compact,delete";
    }
    return cleanupCompact ? "compact" : cleanupDelete ? "delete" : "";
  }

  private static Object intAtLeast(String v, int min) {
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer");
    }
    if (n < min) {
      throw new IllegalArgumentException("must be at least " + min);
    }
    return n;
  }

  private static Object longAtLeast(String v, long min) {
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer");
    }
    if (n < min) {
      throw new IllegalArgumentException("must be at least " + min);
    }
    return n;
  }

  private static Object parseRatio(String v) {
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number");
    }
    if (!(d >= 0 && d <= 1)) {
      throw new IllegalArgumentException("must be between 0 and 1");
    }
    return d;
  }

  private static Object parseCleanupPolicy(String v) {
    boolean delete = false;
    boolean compact = false;
    for (String part : v.split(",")) {
      switch (part.trim().toLowerCase(Locale.ROOT)) {
        case "delete" -> delete = true;
        case "compact" -> compact = true;
        default -> throw new IllegalArgumentException("policies are 'delete' and 'compact'");
      }
    }
    return new boolean[] {delete, compact};
  }

  private static Object parseTimestampType(String v) {
    return switch (v.trim()) {
      case "CreateTime" -> false;
      case "LogAppendTime" -> true;
      default -> throw new IllegalArgumentException("must be CreateTime or LogAppendTime");
    };
  }
}
