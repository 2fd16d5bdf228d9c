package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.HashKeys;
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
 * SplitShard: the shard closes and two children take its hash keys, below and from {@code
 * NewStartingHashKey}. Answered once the stream is ACTIVE again (Kinesis answers at UPDATING;
 * clients wait for ACTIVE either way).
 */
final class SplitShardHandler implements OperationHandler {
  private final KinesisContext ctx;
  private final Resharder resharder;

  SplitShardHandler(KinesisContext ctx, Resharder resharder) {
    this.ctx = ctx;
    this.resharder = resharder;
  }

  @Override
  public String operation() {
    return "SplitShard";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    String name = ctx.streamName(req);
    String shardId = req.requireString("ShardToSplit");
    String key = req.requireString("NewStartingHashKey");
    if (!key.matches("0|[1-9]\\d{0,38}")) {
      throw KinesisException.validation(
          "1 validation error detected: Value '"
              + key
              + "' at 'newStartingHashKey' failed to satisfy constraint: Member must satisfy"
              + " regular expression pattern: 0|([1-9]\\d{0,38})");
    }
    BigInteger at = new BigInteger(key);
    return resharder
        .reshard(
            name,
            s -> {
              if (!ReshardChecks.firstCall(s)) {
                return List.of();
              }
              ShardEntry shard = ReshardChecks.openShard(ctx, s, shardId);
              if (at.compareTo(shard.startingHashKey().add(BigInteger.ONE)) <= 0
                  || at.compareTo(shard.endingHashKey()) >= 0
                  || at.compareTo(HashKeys.MAX) > 0) {
                throw KinesisException.invalidArgument(
                    "NewStartingHashKey "
                        + key
                        + " used in SplitShard() on shard "
                        + shardId
                        + " in stream "
                        + s.name()
                        + " under account "
                        + ctx.settings().accountId()
                        + " is not both greater than one plus the shard's StartingHashKey "
                        + shard.startingHashKey()
                        + " and less than the shard's EndingHashKey "
                        + shard.endingHashKey()
                        + ".");
              }
              return List.of(
                  new Resharder.Child(
                      shard.startingHashKey(), at.subtract(BigInteger.ONE), shard.partition(), -1),
                  new Resharder.Child(at, shard.endingHashKey(), shard.partition(), -1));
            })
        .thenApply(ignored -> req.newObject());
  }
}
