package io.watershed.core.topic;

import io.watershed.core.group.GroupStore;
import io.watershed.core.metadata.AlterTopicConfigs;
import io.watershed.core.metadata.CommandResult;
import io.watershed.core.metadata.CreatePartitions;
import io.watershed.core.metadata.CreateTopic;
import io.watershed.core.metadata.DeleteTopic;
import io.watershed.core.metadata.GroupCommand;
import io.watershed.core.metadata.MetadataCommand;
import io.watershed.core.metadata.MetadataError;
import io.watershed.core.metadata.MetadataImage;
import io.watershed.core.metadata.MetadataStore;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.node.NodeIdentity;
import io.watershed.core.node.ProducerIdAllocator;
import io.watershed.log.LogConfig;
import io.watershed.log.LogManager;
import io.watershed.log.LogManagerConfig;
import io.watershed.log.PartitionLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topics and their partition logs. Every change is a metadata command; the partition logs follow
 * the applied commands (created, given new configuration, deleted), so the logs on disk always
 * match the metadata image — at open, partitions of topics that no longer exist are deleted.
 *
 * <p>A partition's log is named {@code <topic>-<partition>}. Its configuration is the broker's
 * defaults overridden by the topic's own settings.
 *
 * <p>Thread-safe. Futures complete on the metadata writer thread once the change is durable and the
 * logs follow it; chain work that may block with an executor.
 */
public final class TopicStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicStore.class);

  private final LogManager logs;
  private final LogConfig defaults;
  private final MetadataStore metadata;
  private final UUID clusterId;
  private final ProducerIdAllocator producerIds;
  private final GroupStore groups;

  private TopicStore(LogManager logs, Path dataDir) throws IOException {
    this.logs = logs;
    this.defaults = logs.config().defaults();
    this.clusterId = NodeIdentity.clusterId(dataDir);
    this.producerIds = ProducerIdAllocator.open(dataDir);
    this.metadata = MetadataStore.open(dataDir, LogConfig::validate, this::onApplied);
    this.groups = new GroupStore(metadata);
    reconcile(metadata.image());
  }

  /**
   * Opens the log engine under {@code <dataDir>/log} and the metadata under {@code
   * <dataDir>/metadata}.
   */
  public static TopicStore open(Path dataDir, LogManagerConfig logConfig) throws IOException {
    LogManager logs = LogManager.open(logConfig.withRoot(dataDir.resolve("log")));
    try {
      return new TopicStore(logs, dataDir);
    } catch (IOException | RuntimeException e) {
      logs.close();
      throw e;
    }
  }

  /** The data directory's cluster id, stable across restarts. */
  public UUID clusterId() {
    return clusterId;
  }

  /** Unique producer ids for idempotent producers. */
  public ProducerIdAllocator producerIds() {
    return producerIds;
  }

  /**
   * Consumer-group state (committed offsets, membership records), kept in the same metadata store
   * as the topics; deleting a topic deletes the offsets committed for it.
   */
  public GroupStore groups() {
    return groups;
  }

  /** The log engine, for front doors that read and append. */
  public LogManager logs() {
    return logs;
  }

  /** The current topics, a consistent snapshot. */
  public Collection<TopicMetadata> list() {
    return metadata.image().topics().byName().values();
  }

  public Optional<TopicMetadata> describe(String topic) {
    return metadata.image().topics().topic(topic);
  }

  public Optional<TopicMetadata> describe(UUID topicId) {
    return metadata.image().topics().topicById(topicId);
  }

  /** The topic's effective configuration: broker defaults overridden by its own settings. */
  public LogConfig effectiveConfig(TopicMetadata topic) {
    return defaults.with(topic.configs());
  }

  /** The log of one partition, if the topic and partition exist. */
  public Optional<PartitionLog> partition(String topic, int partition) {
    return describe(topic)
        .filter(t -> partition >= 0 && partition < t.partitionCount())
        .flatMap(t -> logs.get(logName(topic, partition)));
  }

  /**
   * Creates a topic.
   *
   * @return the new topic; fails with {@link TopicException} when refused
   */
  public CompletableFuture<TopicMetadata> create(
      String topic, int partitions, Map<String, String> configs) {
    return submit(new CreateTopic(topic, partitions, configs, UUID.randomUUID()))
        .thenApply(ignored -> describe(topic).orElseThrow());
  }

  /**
   * Topics Watershed keeps for itself: the event store's global log and the coordinators' state
   * ({@code io.watershed.core.coordinator.CoordinatorTopic}). Clients may read them; they may not
   * delete, grow, reconfigure or write them.
   */
  public static final Set<String> INTERNAL_TOPICS =
      Set.of("__eventstore_all", "__watershed_coordinators");

  public static boolean isInternal(String topic) {
    return INTERNAL_TOPICS.contains(topic);
  }

  private static <T> CompletableFuture<T> internalRefused(String topic) {
    return CompletableFuture.failedFuture(
        new TopicException(
            MetadataError.INTERNAL_TOPIC,
            "Topic '" + topic + "' is internal to Watershed and cannot be changed by clients."));
  }

  public CompletableFuture<Void> delete(String topic) {
    if (isInternal(topic)) {
      return internalRefused(topic);
    }
    return submit(new DeleteTopic(topic)).thenApply(ignored -> null);
  }

  /** Sets and removes topic-level configuration overrides. */
  public CompletableFuture<Void> alterConfigs(
      String topic, Map<String, String> set, Set<String> remove) {
    if (isInternal(topic)) {
      return internalRefused(topic);
    }
    return submit(new AlterTopicConfigs(topic, set, remove)).thenApply(ignored -> null);
  }

  /** Raises the partition count; existing partitions keep their data. */
  public CompletableFuture<Void> createPartitions(String topic, int newCount) {
    if (isInternal(topic)) {
      return internalRefused(topic);
    }
    return submit(new CreatePartitions(topic, newCount)).thenApply(ignored -> null);
  }

  private CompletableFuture<CommandResult> submit(MetadataCommand command) {
    return metadata
        .submit(command)
        .thenApply(
            result -> {
              if (result instanceof CommandResult.Failure f) {
                throw new TopicException(f.error(), f.message());
              }
              return result;
            });
  }

  static String logName(String topic, int partition) {
    return topic + "-" + partition;
  }

  /** Runs on the metadata writer thread after each applied command. */
  private void onApplied(
      long index, MetadataCommand command, CommandResult result, MetadataImage image) {
    if (!result.isSuccess()) {
      return;
    }
    try {
      switch (command) {
        case CreateTopic c -> openPartitions(image, c.name());
        case CreatePartitions c -> openPartitions(image, c.name());
        case AlterTopicConfigs c -> openPartitions(image, c.name());
        case DeleteTopic d -> deletePartitions(d.name());
        case GroupCommand g -> {
          // Group state lives in the image only; no partition log follows it.
        }
      }
    } catch (IOException | RuntimeException e) {
      // The image is authoritative; the next open reconciles the logs with it.
      LOG.error("partition logs did not follow command {} ({}): {}", index, command, e.toString());
    }
  }

  private void openPartitions(MetadataImage image, String topic) {
    image
        .topics()
        .topic(topic)
        .ifPresent(
            t -> {
              LogConfig config = effectiveConfig(t);
              for (int p = 0; p < t.partitionCount(); p++) {
                logs.partition(logName(topic, p), config);
              }
            });
  }

  private void deletePartitions(String topic) throws IOException {
    for (String name : logs.names()) {
      if (isPartitionOf(name, topic)) {
        logs.delete(name);
      }
    }
  }

  private static boolean isPartitionOf(String logName, String topic) {
    if (!logName.startsWith(topic + "-")) {
      return false;
    }
    String suffix = logName.substring(topic.length() + 1);
    return !suffix.isEmpty() && suffix.chars().allMatch(Character::isDigit);
  }

  /** Makes the logs match the image: every partition registered, orphans deleted. */
  private void reconcile(MetadataImage image) throws IOException {
    Set<String> expected = new HashSet<>();
    for (TopicMetadata t : image.topics().byName().values()) {
      LogConfig config = effectiveConfig(t);
      for (int p = 0; p < t.partitionCount(); p++) {
        String name = logName(t.name(), p);
        expected.add(name);
        logs.partition(name, config);
      }
    }
    for (String name : logs.names()) {
      if (!expected.contains(name)) {
        LOG.warn("deleting partition log {}: its topic no longer exists", name);
        logs.delete(name);
      }
    }
  }

  /** The error of a failed future, unwrapped, if it is a refusal. */
  public static Optional<MetadataError> refusal(Throwable t) {
    Throwable c = t;
    while (c != null && !(c instanceof TopicException)) {
      c = c.getCause();
    }
    return c == null ? Optional.empty() : Optional.of(((TopicException) c).error());
  }

  /** Closes the metadata store, then the logs (clean shutdown). */
  @Override
  public void close() throws IOException {
    try {
      metadata.close();
    } finally {
      logs.close();
    }
  }
}
