package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DescribeStream: the stream and a page of its shards ({@code Limit}, {@code
 * ExclusiveStartShardId}).
 */
final class DescribeStreamHandler implements OperationHandler {
  private final KinesisContext ctx;

  DescribeStreamHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "DescribeStream";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    StreamEntry s = ctx.requireStream(req);
    int limit = req.intInRange("Limit", 1, 10_000, 100);
    String after = req.string("ExclusiveStartShardId");
    List<ShardEntry> visible = s.visibleShards();
    int from = 0;
    if (after != null) {
      int p = ShardEntry.partitionOf(after);
      from = p < 0 ? visible.size() : Math.min(visible.size(), p + 1);
    }
    ObjectNode out = req.newObject();
    ObjectNode d = out.putObject("StreamDescription");
    d.put("StreamName", s.name());
    d.put("StreamARN", ctx.arn(s.name()));
    d.put("StreamStatus", s.status());
    Shapes.streamMode(d, s);
    ArrayNode shards = d.putArray("Shards");
    int to = Math.min(visible.size(), from + limit);
    for (int i = from; i < to; i++) {
      Shapes.shard(shards.addObject(), visible.get(i));
    }
    d.put("HasMoreShards", to < visible.size());
    d.put("RetentionPeriodHours", s.retentionHours());
    d.set("StreamCreationTimestamp", req.encoding().timestamp(s.createdMillis()));
    Shapes.enhancedMonitoring(d, s);
    Shapes.encryption(d, s);
    return CompletableFuture.completedFuture(out);
  }
}
