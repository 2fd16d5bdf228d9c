package io.watershed.kinesis.catalog;

import java.math.BigInteger;
import java.util.Objects;

/**
 * One shard of a stream: the partition that holds its records, its hash-key range, its parents and
 * whether it is still open.
 *
 * @param partition the partition index of the stream's topic; the shard id is {@code
 *     shardId-<partition, 12 digits>}
 * @param startingHashKey first hash key of the range, inclusive
 * @param endingHashKey last hash key of the range, inclusive
 * @param parent partition of the parent shard, or -1
 * @param adjacentParent partition of the adjacent parent (the other shard of a merge), or -1
 * @param createdMillis when the shard was created, epoch milliseconds
 * @param endOffset {@link #PENDING} while a resharding prepares it (its partition may not exist
 *     yet; nothing is routed to it and clients do not see it); {@link #OPEN} while open; {@link
 *     #CLOSING} while a resharding waits for the appends routed to it; once closed, the log end
 *     offset at closing: its records are the offsets below it
 * @param closedMillis when the shard was closed, or -1
 */
public record ShardEntry(
    int partition,
    BigInteger startingHashKey,
    BigInteger endingHashKey,
    int parent,
    int adjacentParent,
    long createdMillis,
    long endOffset,
    long closedMillis) {

  public static final long OPEN = -1;
  public static final long CLOSING = -2;
  public static final long PENDING = -3;

  public ShardEntry {
    Objects.requireNonNull(startingHashKey, "startingHashKey");
    Objects.requireNonNull(endingHashKey, "endingHashKey");
    if (partition < 0) {
      throw new IllegalArgumentException("negative partition " + partition);
    }
    if (startingHashKey.compareTo(endingHashKey) > 0) {
      throw new IllegalArgumentException("empty hash-key range in shard " + partition);
    }
  }

  /** A new open shard. */
  public static ShardEntry open(
      int partition, BigInteger start, BigInteger end, int parent, int adjacent, long now) {
    return new ShardEntry(partition, start, end, parent, adjacent, now, OPEN, -1);
  }

  /** The Kinesis shard id of partition {@code partition}. */
  public static String shardId(int partition) {
    String p = Integer.toString(partition);
    return "shardId-" + "0".repeat(Math.max(0, 12 - p.length())) + p;
  }

  /**
   * The partition a shard id names, resolved as Kinesis resolves shard ids: the decimal number
   * after the last '-' (or the whole id when it has none), leading zeros allowed, at most
   * 2147483647; any prefix. So {@code shardId-000000000007}, {@code shardId-7}, {@code shard-7},
   * {@code -07} and {@code 7} all name partition 7.
   *
   * @return -1 when the id names no shard (no number there, or one too large)
   */
  public static int partitionOf(String shardId) {
    if (shardId == null) {
      return -1;
    }
    String digits = shardId.substring(shardId.lastIndexOf('-') + 1);
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    String significant = digits.replaceFirst("^0+(?=.)", "");
    if (significant.length() > 10) {
      return -1;
    }
    long p = Long.parseLong(significant);
    return p > Integer.MAX_VALUE ? -1 : (int) p;
  }

  public String shardId() {
    return shardId(partition);
  }

  /** Whether new records are routed to it. */
  public boolean isOpen() {
    return endOffset == OPEN;
  }

  /** Whether a resharding is still preparing it. */
  public boolean isPending() {
    return endOffset == PENDING;
  }

  /** Whether it is closed with a known end. */
  public boolean isClosed() {
    return endOffset >= 0;
  }

  public boolean holds(BigInteger hashKey) {
    return startingHashKey.compareTo(hashKey) <= 0 && endingHashKey.compareTo(hashKey) >= 0;
  }

  public ShardEntry closing(long now) {
    return new ShardEntry(
        partition,
        startingHashKey,
        endingHashKey,
        parent,
        adjacentParent,
        createdMillis,
        CLOSING,
        now);
  }

  /** A new child of a resharding, not yet receiving records. */
  public static ShardEntry pending(
      int partition, BigInteger start, BigInteger end, int parent, int adjacent, long now) {
    return new ShardEntry(partition, start, end, parent, adjacent, now, PENDING, -1);
  }

  /** This pending shard, now open. */
  public ShardEntry opened() {
    return new ShardEntry(
        partition, startingHashKey, endingHashKey, parent, adjacentParent, createdMillis, OPEN, -1);
  }

  public ShardEntry closed(long end) {
    return new ShardEntry(
        partition,
        startingHashKey,
        endingHashKey,
        parent,
        adjacentParent,
        createdMillis,
        end,
        closedMillis);
  }
}
