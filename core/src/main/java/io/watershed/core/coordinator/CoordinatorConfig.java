package io.watershed.core.coordinator;

/**
 * The coordinator runtime's limits. Every one is enforced and answered with a {@link
 * CoordinatorException} naming it.
 *
 * @param shards partitions of {@link CoordinatorTopic#NAME}, one shard each, 1 to {@value
 *     #MAX_SHARDS}; fixed when the topic is created (a key's shard must not move), later values are
 *     ignored with a warning
 * @param maxBatchBytes a group commit stops taking writes once its batch holds this many bytes
 * @param maxWriteBytes the records of one write, at most ({@link
 *     CoordinatorException.Reason#TOO_LARGE})
 * @param maxQueuedOperations operations waiting on one shard, at most ({@link
 *     CoordinatorException.Reason#OVERLOADED})
 */
public record CoordinatorConfig(
    int shards, int maxBatchBytes, int maxWriteBytes, int maxQueuedOperations) {
  public static final int MAX_SHARDS = 1024;

  /** 8 shards, 1 MiB group commits, 4 MiB writes, 10,000 queued operations a shard. */
  public static final CoordinatorConfig DEFAULTS =
      new CoordinatorConfig(8, 1024 * 1024, 4 * 1024 * 1024, 10_000);

  public CoordinatorConfig {
    if (shards < 1 || shards > MAX_SHARDS) {
      throw new IllegalArgumentException(
          "coordinator shards must be 1 to " + MAX_SHARDS + ", not " + shards);
    }
    if (maxBatchBytes < 1024 || maxWriteBytes < 1024) {
      throw new IllegalArgumentException("coordinator batch and write limits are at least 1 KiB");
    }
    if ((long) maxBatchBytes + maxWriteBytes > Integer.MAX_VALUE / 2) {
      throw new IllegalArgumentException("coordinator batch and write limits are too large");
    }
    if (maxQueuedOperations < 1) {
      throw new IllegalArgumentException("coordinator queue must hold at least one operation");
    }
  }

  public CoordinatorConfig withShards(int n) {
    return new CoordinatorConfig(n, maxBatchBytes, maxWriteBytes, maxQueuedOperations);
  }

  public CoordinatorConfig withMaxQueuedOperations(int n) {
    return new CoordinatorConfig(shards, maxBatchBytes, maxWriteBytes, n);
  }

  public CoordinatorConfig withMaxWriteBytes(int n) {
    return new CoordinatorConfig(shards, maxBatchBytes, n, maxQueuedOperations);
  }

  public CoordinatorConfig withMaxBatchBytes(int n) {
    return new CoordinatorConfig(shards, n, maxWriteBytes, maxQueuedOperations);
  }

  /**
   * The largest batch the runtime appends: writes are added while the batch is under {@link
   * #maxBatchBytes}, and the last one added may hold up to {@link #maxWriteBytes}; plus room for
   * the batch header.
   */
  int largestBatchBytes() {
    return maxBatchBytes + maxWriteBytes + 64 * 1024;
  }
}
