package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.Resharder;
import io.watershed.kinesis.catalog.ShardEntry;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * MergeShards: two adjacent open shards close and one child takes both ranges, with {@code
 * ShardToMerge} as its parent and {@code AdjacentShardToMerge} as its adjacent parent. Answered
 * once the stream is ACTIVE again.
 */
final class MergeShardsHandler implements OperationHandler {
  private final KinesisContext ctx;
  private final Resharder resharder;

  MergeShardsHandler(KinesisContext ctx, Resharder resharder) {
    this.ctx = ctx;
    this.resharder = resharder;
  }

  @Override
  public String operation() {
    return "MergeShards";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    String name = ctx.streamName(req);
    String first = req.requireString("ShardToMerge");
    String second = req.requireString("AdjacentShardToMerge");
    return resharder
        .reshard(
            name,
            s -> {
              if (!ReshardChecks.firstCall(s)) {
                return List.of();
              }
              ShardEntry a = ReshardChecks.openShard(ctx, s, first);
              ShardEntry b = ReshardChecks.openShard(ctx, s, second);
              ShardEntry low = a.startingHashKey().compareTo(b.startingHashKey()) < 0 ? a : b;
              ShardEntry high = low == a ? b : a;
              if (!low.endingHashKey().add(BigInteger.ONE).equals(high.startingHashKey())) {
                throw KinesisException.invalidArgument(
                    "Shards "
                        + first
                        + " and "
                        + second
                        + " in stream "
                        + s.name()
                        + " under account "
                        + ctx.settings().accountId()
                        + " are not an adjacent pair of shards eligible for merging");
              }
              return List.of(
                  new Resharder.Child(
                      low.startingHashKey(), high.endingHashKey(), a.partition(), b.partition()));
            })
        .thenApply(ignored -> req.newObject());
  }
}
