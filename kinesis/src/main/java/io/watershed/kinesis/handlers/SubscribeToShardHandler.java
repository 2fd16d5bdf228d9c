package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import io.watershed.kinesis.EventStream;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.StreamingOperation;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.AppendWaiters;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SubscribeToShard: an event stream ({@link ShardSubscription}) of a registered consumer's shard
 * from a starting position (the iterator types of GetShardIterator). One subscription per consumer
 * and shard: a new one within five seconds of the start of one still running gets
 * ResourceInUseException, as in Kinesis; a later one takes over and the old one ends.
 */
final class SubscribeToShardHandler implements StreamingOperation {
  static final long RESUBSCRIBE_MS = 5000;

  private final KinesisContext ctx;
  private final AppendWaiters waiters = new AppendWaiters();
  private final ConcurrentHashMap<String, ShardSubscription> active = new ConcurrentHashMap<>();

  SubscribeToShardHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "SubscribeToShard";
  }

  @Override
  public CompletableFuture<EventStream> open(KinesisRequest req) {
    req.requireString("ConsumerARN");
    String shardId = req.requireString("ShardId");
    JsonNode position = req.member("StartingPosition");
    if (position == null) {
      throw KinesisRequest.missing("StartingPosition");
    }
    KinesisRequest pos = new KinesisRequest(req.operation(), position, req.encoding());
    String type = pos.requireString("Type");
    String seq = pos.string("SequenceNumber");
    Long timestamp = pos.timestampMillis("Timestamp");
    KinesisContext.Consumer c = ctx.requireConsumer(req);
    StreamEntry s = c.stream();
    if (!s.status().equals(StreamEntry.ACTIVE) && !s.status().equals(StreamEntry.UPDATING)) {
      throw ctx.notFound(s.name());
    }
    ShardEntry shard = ctx.requireShard(s, shardId);
    GetShardIteratorHandler.checkPosition(type, seq, timestamp, ctx.now());
    String key = ctx.consumerArn(s.name(), c.consumer()) + "#" + shard.partition();
    return Shapes.onIo(
        ctx,
        () -> {
          long offset =
              GetShardIteratorHandler.startOffset(
                  ctx, s, shard, type, seq, timestamp, "SubscribeToShard");
          ShardSubscription[] created = new ShardSubscription[1];
          ShardSubscription[] replaced = new ShardSubscription[1];
          active.compute(
              key,
              (k, old) -> {
                if (old != null
                    && !old.isDone()
                    && ctx.now() - old.startedMillis() < RESUBSCRIBE_MS) {
                  throw KinesisException.resourceInUse(
                      "Another active subscription exists for consumer "
                          + ctx.consumerArn(s.name(), c.consumer())
                          + " on shard "
                          + shardId
                          + ". Wait 5 seconds after a successful SubscribeToShard call before"
                          + " calling it again for the same consumer and shard.");
                }
                replaced[0] = old;
                ShardSubscription sub =
                    new ShardSubscription(
                        ctx,
                        waiters,
                        () -> active.remove(k, created[0]),
                        s,
                        shard.partition(),
                        c.consumer().name(),
                        offset);
                created[0] = sub;
                return sub;
              });
          if (replaced[0] != null) {
            replaced[0].terminate();
          }
          return created[0];
        });
  }
}
