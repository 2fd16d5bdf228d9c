package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.ThroughputLimits;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.PartitionLog;
import java.util.concurrent.CompletableFuture;

/**
 * GetRecords: up to {@code Limit} records (default and most 10,000) and about 10 MiB from the
 * iterator's offset, read on the io pool. Every record is one Kafka record; its key is the
 * partition key (empty when a Kafka producer sent none), its value the data, its timestamp the
 * ApproximateArrivalTimestamp. Control batches (Kafka transaction markers) are skipped.
 *
 * <p>NextShardIterator continues after the last record returned; at the end of a closed shard it is
 * absent and ChildShards name the shards that took over its hash keys. MillisBehindLatest is 0 at
 * the log end, else how old the last record returned is. The records returned, with their data and
 * partition-key bytes, count as the partition's traffic out, as a Kafka fetch's do.
 */
final class GetRecordsHandler implements OperationHandler {
  static final int MAX_BYTES = 10 * 1024 * 1024;

  private final KinesisContext ctx;

  GetRecordsHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "GetRecords";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    String token = req.requireString("ShardIterator");
    int limit = req.intInRange("Limit", 1, 10_000, 10_000);
    Tokens.Iterator it = Tokens.parseIterator(token);
    long now = ctx.now();
    if (now - it.issuedMillis() > ctx.settings().iteratorLifetimeMs()) {
      throw KinesisException.expiredIterator(
          "Iterator expired. The iterator was created at time "
              + it.issuedMillis()
              + " while right now it is "
              + now
              + " which is further in the future than the tolerated delay of "
              + ctx.settings().iteratorLifetimeMs()
              + " milliseconds.");
    }
    StreamEntry s =
        ctx.stream(it.stream())
            .filter(x -> it.topicId().equals(x.topicId()))
            .orElseThrow(() -> ctx.notFound(it.stream()));
    ShardEntry shard = s.shard(it.partition());
    if (shard == null) {
      throw KinesisException.resourceNotFound(
          "Shard " + ShardEntry.shardId(it.partition()) + " in stream " + s.name() + " not found.");
    }
    if (!ctx.limits().admitGet(s.name(), shard.partition())) {
      throw KinesisException.throughputExceeded(
          ThroughputLimits.message(shard.shardId(), s.name(), ctx.settings().accountId()));
    }
    return Shapes.onIo(ctx, () -> read(req, s, shard, it.offset(), limit));
  }

  private ObjectNode read(
      KinesisRequest req, StreamEntry s, ShardEntry shard, long from, int limit) {
    PartitionLog log = ctx.log(s, shard.partition());
    ShardReader.Batch batch = ShardReader.read(log, s.name(), shard, from, limit, MAX_BYTES);
    ctx.markOpened(log);
    ctx.limits().readDone(s.name(), shard.partition(), batch.bytes());
    log.traffic().delivered(batch.records().size(), batch.bytes());
    ObjectNode out = req.newObject();
    out.putPOJO("Records", ShardReader.records(req.encoding(), shard.partition(), batch.records()));
    long now = ctx.now();
    if (batch.atShardEnd()) {
      ShardReader.childShards(out.putArray("ChildShards"), s, shard);
    } else {
      out.put(
          "NextShardIterator",
          Tokens.iterator(now, shard.partition(), batch.next(), s.topicId(), s.name()));
    }
    out.put("MillisBehindLatest", batch.millisBehind(now));
    return out;
  }
}
