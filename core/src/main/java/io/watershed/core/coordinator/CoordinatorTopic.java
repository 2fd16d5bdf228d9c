package io.watershed.core.coordinator;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogConfig;
import io.watershed.log.PartitionLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal topic that holds every shard's records, one partition per shard: compacted (the
 * latest record of each key is kept, tombstones for {@code delete.retention.ms}), never deleted by
 * time or size, and internal (Kafka clients may read it but not write, delete or grow it).
 */
public final class CoordinatorTopic {
  private static final Logger LOG = LoggerFactory.getLogger(CoordinatorTopic.class);

  public static final String NAME = "__watershed_coordinators";

  /** Segments roll at this size, so compaction has sealed segments to work on. */
  static final int SEGMENT_BYTES = 64 * 1024 * 1024;

  static {
    if (!TopicStore.isInternal(NAME)) {
      throw new ExceptionInInitializerError(NAME + " must be one of TopicStore.INTERNAL_TOPICS");
    }
  }

  private CoordinatorTopic() {}

  /**
   * The shards' partitions, creating the topic with {@code config.shards()} partitions when it does
   * not exist. An existing topic keeps its partition count whatever {@code config} says: a key's
   * shard is its hash modulo that count, so changing it would lose every key's state.
   */
  public static List<CoordinatorLog> open(TopicStore topics, CoordinatorConfig config)
      throws IOException {
    Optional<TopicMetadata> existing = topics.describe(NAME);
    int shards;
    if (existing.isPresent()) {
      shards = existing.get().partitionCount();
      if (shards != config.shards()) {
        LOG.warn(
            "{} has {} partitions; keeping them although coordinator.shards is {}",
            NAME,
            shards,
            config.shards());
      }
    } else {
      shards = config.shards();
      create(topics, config);
    }
    List<CoordinatorLog> logs = new ArrayList<>(shards);
    for (int i = 0; i < shards; i++) {
      int p = i;
      PartitionLog log =
          topics
              .partition(NAME, p)
              .orElseThrow(() -> new IOException(NAME + " has no partition " + p));
      logs.add(new PartitionCoordinatorLog(log));
    }
    return logs;
  }

  private static void create(TopicStore topics, CoordinatorConfig config) throws IOException {
    Map<String, String> configs =
        Map.of(
            LogConfig.CLEANUP_POLICY, "compact",
            LogConfig.RETENTION_MS, "-1",
            LogConfig.RETENTION_BYTES, "-1",
            LogConfig.SEGMENT_BYTES, Integer.toString(SEGMENT_BYTES),
            LogConfig.MAX_MESSAGE_BYTES, Integer.toString(config.largestBatchBytes()));
    try {
      topics.create(NAME, config.shards(), configs).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot create the coordinator topic " + NAME + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted creating the coordinator topic " + NAME, e);
    }
  }
}
