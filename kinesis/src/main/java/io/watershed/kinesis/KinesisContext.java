package io.watershed.kinesis;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.kinesis.catalog.ConsumerEntry;
import io.watershed.kinesis.catalog.KinesisCatalog;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.LogConfig;
import io.watershed.log.PartitionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every handler of the Kinesis front door shares: settings, the topics, the catalog, a clock,
 * and a pool for work that may block (catalog writes, disk reads), which must stay off the event
 * loops.
 *
 * <p>Streams are the catalogued ones whose topic still exists, plus every other non-internal topic,
 * seen as a stream whose shards split the hash-key space evenly over its partitions (so topics
 * written by Kafka clients can be read with GetRecords). Thread-safe.
 */
public final class KinesisContext {
  /** Stream names: 1 to 128 of {@code [a-zA-Z0-9_.-]}. */
  static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  private static final Pattern STREAM_ARN =
      Pattern.compile("arn:aws[^:]*:kinesis:[^:]*:(\\d{12}):stream/([a-zA-Z0-9_.-]{1,128})");

  private final KinesisConfig settings;
  private final TopicStore topics;
  private final KinesisCatalog catalog;
  private final ExecutorService io;
  private final LongSupplier clock;
  private final long startMillis;
  private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final ThroughputLimits limits;
  private final Set<PartitionLog> opened = ConcurrentHashMap.newKeySet();

  public KinesisContext(
      KinesisConfig settings,
      TopicStore topics,
      KinesisCatalog catalog,
      ExecutorService io,
      LongSupplier clock) {
    this.settings = settings;
    this.topics = topics;
    this.catalog = catalog;
    this.io = io;
    this.clock = clock;
    this.startMillis = clock.getAsLong();
    this.limits = new ThroughputLimits(settings.emulateLimits(), clock);
  }

  /** The emulated per-shard throughput limits (which admit everything unless enabled). */
  public ThroughputLimits limits() {
    return limits;
  }

  public KinesisConfig settings() {
    return settings;
  }

  public TopicStore topics() {
    return topics;
  }

  public KinesisCatalog catalog() {
    return catalog;
  }

  /** Threads for work that may block; never an event loop. */
  public ExecutorService io() {
    return io;
  }

  /** Now, epoch milliseconds. */
  public long now() {
    return clock.getAsLong();
  }

  public String arn(String stream) {
    return "arn:aws:kinesis:"
        + settings.region()
        + ":"
        + settings.accountId()
        + ":stream/"
        + stream;
  }

  // ---- streams --------------------------------------------------------------------------------

  /** The stream called {@code name}, if it exists in any status. */
  public Optional<StreamEntry> stream(String name) {
    return stream(name, catalog.entries());
  }

  /**
   * The stream called {@code name} as {@code entries} catalog it (inside a {@link
   * KinesisCatalog.Change}, the entries the change is given).
   */
  public Optional<StreamEntry> stream(String name, SortedMap<String, StreamEntry> entries) {
    Optional<TopicMetadata> topic = topics.describe(name);
    StreamEntry entry = entries.get(name);
    if (entry != null) {
      if (entry.status().equals(StreamEntry.CREATING)
          || entry.status().equals(StreamEntry.DELETING)) {
        return Optional.of(entry);
      }
      if (topic.isPresent() && topic.get().topicId().equals(entry.topicId())) {
        return Optional.of(entry);
      }
    }
    return topic.filter(t -> !isHidden(t.name())).map(this::derived);
  }

  /** Every stream, sorted by name. */
  public List<StreamEntry> streams() {
    return streams(catalog.entries());
  }

  /** Every stream as {@code entries} catalog them, sorted by name. */
  public List<StreamEntry> streams(SortedMap<String, StreamEntry> entries) {
    TreeMap<String, StreamEntry> all = new TreeMap<>();
    for (TopicMetadata t : topics.list()) {
      if (!isHidden(t.name())) {
        stream(t.name(), entries).ifPresent(s -> all.put(s.name(), s));
      }
    }
    for (String name : entries.keySet()) {
      if (!all.containsKey(name)) {
        stream(name, entries).ifPresent(s -> all.put(s.name(), s));
      }
    }
    return new ArrayList<>(all.values());
  }

  private static boolean isHidden(String topic) {
    return TopicStore.isInternal(topic) || topic.startsWith("__");
  }

  /** A Kafka topic seen as a stream. */
  private StreamEntry derived(TopicMetadata t) {
    long retentionMs = topics.effectiveConfig(t).retentionMs();
    int hours =
        retentionMs < 0 ? 8760 : (int) Math.max(1, Math.min(8760, retentionMs / 3_600_000L));
    return StreamEntry.create(
            t.name(), t.partitionCount(), "PROVISIONED", hours, startMillis, false)
        .with(
            b -> {
              b.topicId = t.topicId();
              b.status = StreamEntry.ACTIVE;
            });
  }

  /**
   * The stream a request names by {@code StreamName} or {@code StreamARN}, which must exist.
   *
   * @throws KinesisException ResourceNotFoundException, ValidationException or
   *     InvalidArgumentException
   */
  public StreamEntry requireStream(KinesisRequest request) {
    String name = streamName(request);
    return stream(name).orElseThrow(() -> notFound(name));
  }

  /** Like {@link #requireStream} but the stream must also be ACTIVE or UPDATING. */
  public StreamEntry requireReadyStream(KinesisRequest request) {
    StreamEntry s = requireStream(request);
    if (s.status().equals(StreamEntry.CREATING) || s.status().equals(StreamEntry.DELETING)) {
      throw notFound(s.name());
    }
    return s;
  }

  /** The stream name a request gives, from {@code StreamName} or from {@code StreamARN}. */
  public String streamName(KinesisRequest request) {
    String name = request.string("StreamName");
    String arn = request.string("StreamARN");
    if (name == null && arn == null) {
      throw KinesisException.validation("Either StreamName or StreamARN should be provided.");
    }
    String fromArn = arn == null ? null : nameFromArn(arn);
    if (name != null) {
      checkName(name);
      if (fromArn != null && !fromArn.equals(name)) {
        throw KinesisException.invalidArgument(
            "StreamARN " + arn + " does not match StreamName " + name + ".");
      }
      return name;
    }
    return fromArn;
  }

  /** The stream name of a stream ARN in this account. */
  public String nameFromArn(String arn) {
    Matcher m = STREAM_ARN.matcher(arn);
    if (!m.matches()) {
      throw KinesisException.validation(
          "1 validation error detected: Value '"
              + arn
              + "' at 'streamARN' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
    }
    if (!m.group(1).equals(settings.accountId())) {
      throw KinesisException.resourceNotFound(
          "Stream " + m.group(2) + " under account " + m.group(1) + " not found.");
    }
    return m.group(2);
  }

  public static void checkName(String name) {
    if (!STREAM_NAME.matcher(name).matches()) {
      throw KinesisException.validation(
          "1 validation error detected: Value '"
              + name
              + "' at 'streamName' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and 128");
    }
  }

  /** ResourceInUseException for a stream that must be ACTIVE for the change asked. */
  public KinesisException notActive(StreamEntry s) {
    return KinesisException.resourceInUse(
        "Stream "
            + s.name()
            + " under account "
            + settings.accountId()
            + " not ACTIVE, instead in state "
            + s.status());
  }

  /**
   * Checks the account's shard quota.
   *
   * @param open open shards now, in all streams
   * @param added shards the change would add
   * @throws KinesisException LimitExceededException beyond {@link KinesisConfig#shardLimit()}
   */
  public void checkShardLimit(int open, int added) {
    if (open + added > settings.shardLimit()) {
      throw KinesisException.limitExceeded(
          "This request would exceed the shard limit for the account "
              + settings.accountId()
              + " in "
              + settings.region()
              + ". Current shard count for the account: "
              + open
              + ". Limit: "
              + settings.shardLimit()
              + ". Number of additional shards that would have resulted from this request: "
              + added
              + ".");
    }
  }

  public KinesisException notFound(String stream) {
    return KinesisException.resourceNotFound(
        "Stream " + stream + " under account " + settings.accountId() + " not found.");
  }

  /**
   * The shard {@code shardId} names ({@link ShardEntry#partitionOf}: any {@code <prefix>-<n>}),
   * which must exist in {@code stream}; messages name it as Kinesis does, {@code shardId-<12
   * digits>}.
   *
   * @throws KinesisException ResourceNotFoundException
   */
  public ShardEntry requireShard(StreamEntry stream, String shardId) {
    int partition = ShardEntry.partitionOf(shardId);
    if (partition < 0) {
      throw KinesisException.resourceNotFound(
          "Could not find shard "
              + shardId
              + " in stream "
              + stream.name()
              + " under account "
              + settings.accountId()
              + ".");
    }
    ShardEntry shard = stream.shard(partition);
    if (shard == null || shard.isPending()) {
      throw KinesisException.resourceNotFound(
          "Shard "
              + ShardEntry.shardId(partition)
              + " in stream "
              + stream.name()
              + " under account "
              + settings.accountId()
              + " does not exist");
    }
    return shard;
  }

  /**
   * Changes the stream a request names, durably, on the io pool: {@code change} gets the current
   * entry (ACTIVE or UPDATING; a Kafka topic's derived entry the first time) after every catalog
   * change asked before it, and returns the new one or throws the request's error.
   */
  public CompletableFuture<StreamEntry> change(String name, UnaryOperator<StreamEntry> change) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return catalog.update(
                name,
                (current, entries) -> {
                  StreamEntry s = stream(name, entries).orElseThrow(() -> notFound(name));
                  if (s.status().equals(StreamEntry.CREATING)
                      || s.status().equals(StreamEntry.DELETING)) {
                    throw notFound(name);
                  }
                  return change.apply(s);
                });
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        io);
  }

  // ---- consumers ------------------------------------------------------------------------------

  private static final Pattern CONSUMER_ARN =
      Pattern.compile(
          "arn:aws[^:]*:kinesis:[^:]*:(\\d{12}):stream/([a-zA-Z0-9_.-]{1,128})/consumer/"
              + "([a-zA-Z0-9_.-]{1,128}):(\\d{1,19})");

  /** The ARN of consumer {@code c} of stream {@code stream}. */
  public String consumerArn(String stream, ConsumerEntry c) {
    return arn(stream) + "/consumer/" + c.name() + ":" + c.createdMillis() / 1000;
  }

  /** A consumer and its stream. */
  public record Consumer(StreamEntry stream, ConsumerEntry consumer) {}

  /**
   * The consumer a request names by {@code ConsumerARN}, or by {@code StreamARN} and {@code
   * ConsumerName}.
   *
   * @throws KinesisException ResourceNotFoundException, ValidationException or
   *     InvalidArgumentException
   */
  public Consumer requireConsumer(KinesisRequest request) {
    String consumerArn = request.string("ConsumerARN");
    String streamName;
    String consumerName;
    long seconds = -1;
    if (consumerArn != null) {
      Matcher m = CONSUMER_ARN.matcher(consumerArn);
      if (!m.matches()) {
        throw KinesisException.validation(
            "1 validation error detected: Value '"
                + consumerArn
                + "' at 'consumerARN' failed to satisfy constraint: Member must satisfy regular"
                + " expression pattern: ^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+"
                + "\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+");
      }
      if (!m.group(1).equals(settings.accountId())) {
        throw consumerNotFound(m.group(3), m.group(2));
      }
      streamName = m.group(2);
      consumerName = m.group(3);
      seconds = Long.parseLong(m.group(4));
    } else {
      String streamArn = request.string("StreamARN");
      consumerName = request.string("ConsumerName");
      if (streamArn == null || consumerName == null) {
        throw KinesisException.invalidArgument(
            "Either ConsumerARN or both StreamARN and ConsumerName must be provided.");
      }
      streamName = nameFromArn(streamArn);
    }
    String stream = streamName;
    StreamEntry s = stream(stream).orElseThrow(() -> notFound(stream));
    ConsumerEntry c = s.consumer(consumerName);
    if (c == null || (seconds >= 0 && c.createdMillis() / 1000 != seconds)) {
      throw consumerNotFound(consumerName, stream);
    }
    return new Consumer(s, c);
  }

  public KinesisException consumerNotFound(String consumer, String stream) {
    return KinesisException.resourceNotFound(
        "Consumer "
            + consumer
            + ", account "
            + settings.accountId()
            + ", stream "
            + stream
            + " not found.");
  }

  /**
   * Whether every open shard's log of {@code stream} has been read or appended to since the start,
   * so that it is loaded: a log is opened lazily, from disk, on its first use, which must then
   * happen on the io pool rather than on an event loop.
   */
  public boolean opened(StreamEntry stream) {
    for (ShardEntry s : stream.shards()) {
      if (s.isOpen()) {
        Optional<PartitionLog> log = topics.partition(stream.name(), s.partition());
        if (log.isEmpty() || !opened.contains(log.get())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Records that {@code log} has been used (and so loaded) on the io pool or after it. */
  public void markOpened(PartitionLog log) {
    opened.add(log);
  }

  /** The log of one shard. */
  public PartitionLog log(StreamEntry stream, int partition) {
    return topics.partition(stream.name(), partition).orElseThrow(() -> notFound(stream.name()));
  }

  /** The topic configuration of a stream created here: retention and a batch limit over 1 MiB. */
  public static java.util.Map<String, String> topicConfigs(int retentionHours) {
    return java.util.Map.of(
        LogConfig.RETENTION_MS,
        Long.toString(retentionHours * 3_600_000L),
        LogConfig.MAX_MESSAGE_BYTES,
        Integer.toString(PutSupport.MAX_BATCH_BYTES + 64 * 1024));
  }

  // ---- appends in flight, for resharding -------------------------------------------------------

  /** Counts an append routed to a shard until {@link #appendDone} is called for it. */
  public void appendStarted(String stream, int partition) {
    inFlight.computeIfAbsent(stream + "/" + partition, k -> new AtomicInteger()).incrementAndGet();
  }

  public void appendDone(String stream, int partition) {
    AtomicInteger n = inFlight.get(stream + "/" + partition);
    if (n != null) {
      n.decrementAndGet();
    }
  }

  /** Appends routed to a shard that have not completed. */
  public int appendsInFlight(String stream, int partition) {
    AtomicInteger n = inFlight.get(stream + "/" + partition);
    return n == null ? 0 : n.get();
  }
}
