package io.watershed.kinesis.handlers;

import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;

/** The checks SplitShard and MergeShards make of the shards they name, with Kinesis's messages. */
final class ReshardChecks {
  private ReshardChecks() {}

  /**
   * The open shard {@code shardId} of {@code s}.
   *
   * @throws KinesisException ResourceNotFoundException when there is none, ResourceInUseException
   *     when it was already split or merged
   */
  static ShardEntry openShard(KinesisContext ctx, StreamEntry s, String shardId) {
    ShardEntry shard = s.shard(ShardEntry.partitionOf(shardId));
    if (shard == null || shard.isPending()) {
      throw KinesisException.resourceNotFound(
          "Could not find shard "
              + shardId
              + " in stream "
              + s.name()
              + " under account "
              + ctx.settings().accountId()
              + ".");
    }
    if (!shard.isOpen()) {
      throw KinesisException.resourceInUse(
          "Shard "
              + shardId
              + " in stream "
              + s.name()
              + " under account "
              + ctx.settings().accountId()
              + " has already been merged or split, and thus is not eligible for merging or"
              + " splitting.");
    }
    return shard;
  }

  /** The plan's guard: the first call (stream ACTIVE) checks; later calls find the work done. */
  static boolean firstCall(StreamEntry s) {
    return s.status().equals(StreamEntry.ACTIVE);
  }
}
