package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.catalog.StreamEntry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * ListStreams: stream names and summaries in name order, {@code Limit} at a time, continued by
 * {@code ExclusiveStartStreamName} or {@code NextToken}.
 */
final class ListStreamsHandler implements OperationHandler {
  private final KinesisContext ctx;

  ListStreamsHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "ListStreams";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    int limit = req.intInRange("Limit", 1, 10_000, 100);
    String after = req.string("ExclusiveStartStreamName");
    String token = req.string("NextToken");
    if (token != null) {
      after =
          Tokens.parseNextToken(
                  token, Tokens.LIST_STREAMS, ctx.now(), ctx.settings().iteratorLifetimeMs())
              .name();
    }
    List<StreamEntry> all = ctx.streams();
    ObjectNode out = req.newObject();
    ArrayNode names = out.putArray("StreamNames");
    ArrayNode summaries = out.putArray("StreamSummaries");
    String last = null;
    boolean more = false;
    for (StreamEntry s : all) {
      if (after != null && s.name().compareTo(after) <= 0) {
        continue;
      }
      if (names.size() == limit) {
        more = true;
        break;
      }
      names.add(s.name());
      Shapes.summary(summaries.addObject(), ctx, req, s);
      last = s.name();
    }
    out.put("HasMoreStreams", more);
    if (more) {
      out.put("NextToken", Tokens.nextToken(ctx.now(), Tokens.LIST_STREAMS, 0, last));
    }
    return CompletableFuture.completedFuture(out);
  }
}
