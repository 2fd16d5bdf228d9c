package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.catalog.StreamEntry;
import java.util.concurrent.CompletableFuture;

/** DescribeLimits: the shard limit and what is in use; on-demand streams are limited by it too. */
final class DescribeLimitsHandler implements OperationHandler {
  private final KinesisContext ctx;

  DescribeLimitsHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "DescribeLimits";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    int open = 0;
    int onDemand = 0;
    for (StreamEntry s : ctx.streams()) {
      open += s.openShardCount();
      if (s.mode().equals("ON_DEMAND")) {
        onDemand++;
      }
    }
    ObjectNode out = req.newObject();
    out.put("ShardLimit", ctx.settings().shardLimit());
    out.put("OpenShardCount", open);
    out.put("OnDemandStreamCount", onDemand);
    out.put("OnDemandStreamCountLimit", ctx.settings().onDemandStreamLimit());
    return CompletableFuture.completedFuture(out);
  }
}
