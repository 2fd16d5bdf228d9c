package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.catalog.StreamEntry;
import java.util.concurrent.CompletableFuture;

/** DescribeStreamSummary: the stream without its shards, with open-shard and consumer counts. */
final class DescribeStreamSummaryHandler implements OperationHandler {
  private final KinesisContext ctx;

  DescribeStreamSummaryHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "DescribeStreamSummary";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    StreamEntry s = ctx.requireStream(req);
    ObjectNode out = req.newObject();
    ObjectNode d = out.putObject("StreamDescriptionSummary");
    d.put("StreamName", s.name());
    d.put("StreamARN", ctx.arn(s.name()));
    d.put("StreamStatus", s.status());
    Shapes.streamMode(d, s);
    d.put("RetentionPeriodHours", s.retentionHours());
    d.set("StreamCreationTimestamp", req.encoding().timestamp(s.createdMillis()));
    Shapes.enhancedMonitoring(d, s);
    Shapes.encryption(d, s);
    d.put("OpenShardCount", s.openShardCount());
    d.put("ConsumerCount", s.consumers().size());
    return CompletableFuture.completedFuture(out);
  }
}
