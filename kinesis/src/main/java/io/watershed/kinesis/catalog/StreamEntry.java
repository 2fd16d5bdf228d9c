package io.watershed.kinesis.catalog;

import io.watershed.kinesis.HashKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What Kinesis knows about a stream that the log does not: status, creation time, retention, mode,
 * tags, encryption, monitoring and the shards with their hash-key ranges and lineage. Immutable.
 *
 * @param name the stream name, which is also its topic's name
 * @param topicId id of the topic holding the records; null while the stream is being created
 * @param status CREATING, ACTIVE, UPDATING or DELETING
 * @param createdMillis creation time, epoch milliseconds
 * @param retentionHours retention in hours (24 to 8,760)
 * @param mode PROVISIONED or ON_DEMAND
 * @param tags the stream's tags, by key
 * @param shards every shard, open or closed, in partition order; index i holds partition i
 * @param encryptionType NONE or KMS
 * @param keyId the KMS key id when encrypted, else null
 * @param shardLevelMetrics enabled enhanced-monitoring metrics
 * @param catalogued false for a stream derived from a topic that was not created through this door
 *     (a Kafka topic); it is written to the catalog when first changed
 */
public record StreamEntry(
    String name,
    UUID topicId,
    String status,
    long createdMillis,
    int retentionHours,
    String mode,
    SortedMap<String, String> tags,
    List<ShardEntry> shards,
    String encryptionType,
    String keyId,
    SortedSet<String> shardLevelMetrics,
    boolean catalogued) {

  public static final String CREATING = "CREATING";
  public static final String ACTIVE = "ACTIVE";
  public static final String UPDATING = "UPDATING";
  public static final String DELETING = "DELETING";

  public StreamEntry {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    shards = List.copyOf(shards);
    shardLevelMetrics = Collections.unmodifiableSortedSet(new TreeSet<>(shardLevelMetrics));
    for (int i = 0; i < shards.size(); i++) {
      if (shards.get(i).partition() != i) {
        throw new IllegalArgumentException("shard " + i + " holds partition " + shards.get(i));
      }
    }
  }

  /** A new stream of {@code count} open shards splitting the hash-key space evenly. */
  public static StreamEntry create(
      String name, int count, String mode, int retentionHours, long now, boolean catalogued) {
    List<ShardEntry> shards = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      shards.add(
          ShardEntry.open(
              i, HashKeys.evenStart(i, count), HashKeys.evenEnd(i, count), -1, -1, now));
    }
    return new StreamEntry(
        name,
        null,
        CREATING,
        now,
        retentionHours,
        mode,
        new TreeMap<>(),
        shards,
        "NONE",
        null,
        new TreeSet<>(),
        catalogued);
  }

  /** The shard of partition {@code partition}, or null. */
  public ShardEntry shard(int partition) {
    return partition >= 0 && partition < shards.size() ? shards.get(partition) : null;
  }

  /** Open shards, ordered by their first hash key. */
  public List<ShardEntry> openShards() {
    List<ShardEntry> open = new ArrayList<>();
    for (ShardEntry s : shards) {
      if (s.isOpen()) {
        open.add(s);
      }
    }
    open.sort((a, b) -> a.startingHashKey().compareTo(b.startingHashKey()));
    return open;
  }

  /** Shards whose parent or adjacent parent is {@code partition}. */
  public List<ShardEntry> children(int partition) {
    List<ShardEntry> out = new ArrayList<>();
    for (ShardEntry s : shards) {
      if (s.parent() == partition || s.adjacentParent() == partition) {
        out.add(s);
      }
    }
    return out;
  }

  public int openShardCount() {
    int n = 0;
    for (ShardEntry s : shards) {
      if (s.isOpen()) {
        n++;
      }
    }
    return n;
  }

  public StreamEntry withStatus(String newStatus) {
    return new StreamEntry(
        name,
        topicId,
        newStatus,
        createdMillis,
        retentionHours,
        mode,
        tags,
        shards,
        encryptionType,
        keyId,
        shardLevelMetrics,
        catalogued);
  }

  public StreamEntry withTopicId(UUID id) {
    return new StreamEntry(
        name,
        id,
        status,
        createdMillis,
        retentionHours,
        mode,
        tags,
        shards,
        encryptionType,
        keyId,
        shardLevelMetrics,
        catalogued);
  }

  public StreamEntry withShards(List<ShardEntry> newShards) {
    return new StreamEntry(
        name,
        topicId,
        status,
        createdMillis,
        retentionHours,
        mode,
        tags,
        newShards,
        encryptionType,
        keyId,
        shardLevelMetrics,
        catalogued);
  }

  public StreamEntry withTags(SortedMap<String, String> newTags) {
    return new StreamEntry(
        name,
        topicId,
        status,
        createdMillis,
        retentionHours,
        mode,
        newTags,
        shards,
        encryptionType,
        keyId,
        shardLevelMetrics,
        catalogued);
  }

  public StreamEntry withRetentionHours(int hours) {
    return new StreamEntry(
        name,
        topicId,
        status,
        createdMillis,
        hours,
        mode,
        tags,
        shards,
        encryptionType,
        keyId,
        shardLevelMetrics,
        catalogued);
  }

  public StreamEntry withMode(String newMode) {
    return new StreamEntry(
        name,
        topicId,
        status,
        createdMillis,
        retentionHours,
        newMode,
        tags,
        shards,
        encryptionType,
        keyId,
        shardLevelMetrics,
        catalogued);
  }

  public StreamEntry withEncryption(String type, String key) {
    return new StreamEntry(
        name,
        topicId,
        status,
        createdMillis,
        retentionHours,
        mode,
        tags,
        shards,
        type,
        key,
        shardLevelMetrics,
        catalogued);
  }

  public StreamEntry withShardLevelMetrics(SortedSet<String> metrics) {
    return new StreamEntry(
        name,
        topicId,
        status,
        createdMillis,
        retentionHours,
        mode,
        tags,
        shards,
        encryptionType,
        keyId,
        metrics,
        catalogued);
  }

  public StreamEntry asCatalogued() {
    return new StreamEntry(
        name,
        topicId,
        status,
        createdMillis,
        retentionHours,
        mode,
        tags,
        shards,
        encryptionType,
        keyId,
        shardLevelMetrics,
        true);
  }
}
