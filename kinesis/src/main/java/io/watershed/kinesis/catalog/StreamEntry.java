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
import java.util.function.Consumer;

/**
 * What Kinesis knows about a stream that the log does not: status, creation time, retention, mode,
 * tags, encryption, monitoring, consumers and the shards with their hash-key ranges and lineage.
 * Immutable; {@link #with} makes changed copies.
 *
 * @param name the stream name, which is also its topic's name
 * @param topicId id of the topic holding the records; null while the stream is being created
 * @param status CREATING, ACTIVE, UPDATING or DELETING
 * @param createdMillis creation time, epoch milliseconds
 * @param retentionHours retention in hours (24 to 8,760)
 * @param mode PROVISIONED or ON_DEMAND
 * @param tags the stream's tags, by key
 * @param shards every shard, pending, open or closed, in partition order; index i holds partition i
 * @param encryptionType NONE or KMS
 * @param keyId the KMS key id when encrypted, else null
 * @param shardLevelMetrics enabled enhanced-monitoring metrics
 * @param consumers registered enhanced fan-out consumers, in registration order
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
    List<ConsumerEntry> consumers,
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
    consumers = List.copyOf(consumers);
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
        List.of(),
        catalogued);
  }

  /** The shard of partition {@code partition}, or null. */
  public ShardEntry shard(int partition) {
    return partition >= 0 && partition < shards.size() ? shards.get(partition) : null;
  }

  /** Shards clients can see (every one but those a resharding is still preparing). */
  public List<ShardEntry> visibleShards() {
    List<ShardEntry> out = new ArrayList<>(shards.size());
    for (ShardEntry s : shards) {
      if (!s.isPending()) {
        out.add(s);
      }
    }
    return out;
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
      if (!s.isPending() && (s.parent() == partition || s.adjacentParent() == partition)) {
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

  /** The consumer called {@code consumerName}, or null. */
  public ConsumerEntry consumer(String consumerName) {
    for (ConsumerEntry c : consumers) {
      if (c.name().equals(consumerName)) {
        return c;
      }
    }
    return null;
  }

  /** A copy with the changes {@code change} makes to a builder holding this entry's values. */
  public StreamEntry with(Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }

  public StreamEntry withStatus(String newStatus) {
    return with(b -> b.status = newStatus);
  }

  public StreamEntry asCatalogued() {
    return catalogued ? this : with(b -> b.catalogued = true);
  }

  /** The mutable form of an entry, for {@link #with}. */
  public static final class Builder {
    public UUID topicId;
    public String status;
    public int retentionHours;
    public String mode;
    public SortedMap<String, String> tags;
    public List<ShardEntry> shards;
    public String encryptionType;
    public String keyId;
    public SortedSet<String> shardLevelMetrics;
    public List<ConsumerEntry> consumers;
    public boolean catalogued;
    private final String name;
    private final long createdMillis;

    Builder(StreamEntry s) {
      name = s.name;
      topicId = s.topicId;
      status = s.status;
      createdMillis = s.createdMillis;
      retentionHours = s.retentionHours;
      mode = s.mode;
      tags = new TreeMap<>(s.tags);
      shards = new ArrayList<>(s.shards);
      encryptionType = s.encryptionType;
      keyId = s.keyId;
      shardLevelMetrics = new TreeSet<>(s.shardLevelMetrics);
      consumers = new ArrayList<>(s.consumers);
      catalogued = s.catalogued;
    }

    StreamEntry build() {
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
          consumers,
          catalogued);
    }
  }
}
