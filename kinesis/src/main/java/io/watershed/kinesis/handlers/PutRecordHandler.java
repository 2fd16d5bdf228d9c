package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.PutSupport;
import io.watershed.kinesis.SequenceNumbers;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * PutRecord: one record, durable when answered. {@code SequenceNumberForOrdering} is accepted and
 * needs no action: records of one shard are already in arrival order.
 */
final class PutRecordHandler implements OperationHandler {
  private final KinesisContext ctx;

  PutRecordHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "PutRecord";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    StreamEntry s = ctx.requireReadyStream(req);
    PutSupport.Entry entry = PutSupport.entry(req, req.body());
    req.string("SequenceNumberForOrdering");
    return PutSupport.append(ctx, s, List.of(entry), req.replies())
        .thenApply(
            outcomes -> {
              PutSupport.Outcome o = outcomes[0];
              if (o.failed()) {
                throw o.error();
              }
              ObjectNode out = req.newObject();
              out.put("ShardId", ShardEntry.shardId(o.partition()));
              out.put("SequenceNumber", SequenceNumbers.of(o.partition(), o.offset()));
              out.put("EncryptionType", s.encryptionType());
              return out;
            });
  }
}
