package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.core.metadata.TopicRules;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.Resharder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * UpdateShardCount with UNIFORM_SCALING: the open shards become {@code TargetShardCount} shards of
 * even hash-key ranges ({@link Resharder#uniform}), within Kinesis's bounds of half to double the
 * current count. Answered once the stream is ACTIVE again, with the count before and the target.
 */
final class UpdateShardCountHandler implements OperationHandler {
  private final KinesisContext ctx;
  private final Resharder resharder;

  UpdateShardCountHandler(KinesisContext ctx, Resharder resharder) {
    this.ctx = ctx;
    this.resharder = resharder;
  }

  @Override
  public String operation() {
    return "UpdateShardCount";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    String name = ctx.streamName(req);
    int target = req.intInRange("TargetShardCount", 1, TopicRules.MAX_PARTITIONS, -1);
    if (target < 0) {
      throw KinesisRequest.missing("TargetShardCount");
    }
    String scaling = req.requireString("ScalingType");
    if (!scaling.equals("UNIFORM_SCALING")) {
      throw KinesisException.validation(
          "1 validation error detected: Value '"
              + scaling
              + "' at 'scalingType' failed to satisfy constraint: Member must satisfy enum value"
              + " set: [UNIFORM_SCALING]");
    }
    AtomicInteger before = new AtomicInteger();
    var uniform = Resharder.uniform(target);
    return resharder
        .reshard(
            name,
            s -> {
              if (ReshardChecks.firstCall(s)) {
                int current = s.openShardCount();
                before.set(current);
                if (target > 2 * current || 2 * target < current) {
                  throw KinesisException.limitExceeded(
                      "UpdateShardCount may only scale from half to double the current shard"
                          + " count. Current shard count for stream "
                          + s.name()
                          + " under account "
                          + ctx.settings().accountId()
                          + ": "
                          + current
                          + ". Target: "
                          + target
                          + ".");
                }
              }
              return uniform.apply(s);
            })
        .thenApply(
            s -> {
              ObjectNode out = req.newObject();
              out.put("StreamName", s.name());
              out.put("StreamARN", ctx.arn(s.name()));
              out.put("CurrentShardCount", before.get());
              out.put("TargetShardCount", target);
              return out;
            });
  }
}
