package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * ListShards: shards in shard-id order, {@code MaxResults} at a time (default 1,000), continued by
 * {@code NextToken} (which must then come alone), filtered by {@code ExclusiveStartShardId} and
 * {@code ShardFilter}: AFTER_SHARD_ID, AT_LATEST (open shards), AT_TRIM_HORIZON (shards without
 * parents, since closed shards are kept with their data), FROM_TRIM_HORIZON (all), AT_TIMESTAMP and
 * FROM_TIMESTAMP (shards open at, or since, the time).
 */
final class ListShardsHandler implements OperationHandler {
  private final KinesisContext ctx;

  ListShardsHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "ListShards";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    int max = req.intInRange("MaxResults", 1, 10_000, 1000);
    String token = req.string("NextToken");
    StreamEntry s;
    int from = 0;
    Predicate<ShardEntry> filter = x -> true;
    if (token != null) {
      if (req.string("StreamName") != null
          || req.string("StreamARN") != null
          || req.string("ExclusiveStartShardId") != null
          || req.member("ShardFilter") != null) {
        throw KinesisException.invalidArgument(
            "NextToken and StreamName, StreamARN, ExclusiveStartShardId or ShardFilter cannot be"
                + " provided together.");
      }
      Tokens.NextToken t =
          Tokens.parseNextToken(
              token, Tokens.LIST_SHARDS, ctx.now(), ctx.settings().iteratorLifetimeMs());
      s = ctx.stream(t.name()).orElseThrow(() -> ctx.notFound(t.name()));
      from = t.position();
    } else {
      if (req.string("StreamName") == null && req.string("StreamARN") == null) {
        throw KinesisException.invalidArgument(
            "Either NextToken or StreamName should be provided.");
      }
      s = ctx.requireStream(req);
      String after = req.string("ExclusiveStartShardId");
      if (after != null) {
        int p = ShardEntry.partitionOf(after);
        from = p < 0 ? s.shards().size() : p + 1;
      }
      filter = filter(req, s);
    }
    List<ShardEntry> matching = new ArrayList<>();
    for (ShardEntry sh : s.visibleShards()) {
      if (sh.partition() >= from) {
        matching.add(sh);
      }
    }
    ObjectNode out = req.newObject();
    ArrayNode shards = out.putArray("Shards");
    int next = -1;
    for (ShardEntry sh : matching) {
      if (!filter.test(sh)) {
        continue;
      }
      if (shards.size() == max) {
        next = sh.partition();
        break;
      }
      Shapes.shard(shards.addObject(), sh);
    }
    if (next >= 0) {
      out.put("NextToken", Tokens.nextToken(ctx.now(), Tokens.LIST_SHARDS, next, s.name()));
    }
    return CompletableFuture.completedFuture(out);
  }

  private static Predicate<ShardEntry> filter(KinesisRequest req, StreamEntry s) {
    JsonNode f = req.member("ShardFilter");
    if (f == null) {
      return x -> true;
    }
    String type = KinesisRequest.string(f, "Type");
    if (type == null) {
      throw KinesisRequest.missing("ShardFilter.Type");
    }
    return switch (type) {
      case "AFTER_SHARD_ID" -> {
        String id = KinesisRequest.string(f, "ShardId");
        if (id == null) {
          throw KinesisException.invalidArgument("ShardId is required for AFTER_SHARD_ID.");
        }
        int p = ShardEntry.partitionOf(id);
        yield x -> x.partition() > p;
      }
      case "AT_LATEST" -> ShardEntry::isOpen;
      case "AT_TRIM_HORIZON" -> x -> x.parent() < 0 && x.adjacentParent() < 0;
      case "FROM_TRIM_HORIZON" -> x -> true;
      case "AT_TIMESTAMP", "FROM_TIMESTAMP" -> {
        JsonNode tsNode = KinesisRequest.member(f, "Timestamp");
        if (tsNode == null) {
          throw KinesisException.invalidArgument("Timestamp is required for " + type + ".");
        }
        long ts = req.encoding().timestampMillis(tsNode, "Timestamp");
        boolean at = type.equals("AT_TIMESTAMP");
        yield x -> {
          boolean openAfter = x.closedMillis() < 0 || x.closedMillis() > ts;
          return at ? openAfter && (x.createdMillis() <= ts || isOriginal(x)) : openAfter;
        };
      }
      default ->
          throw KinesisException.validation(
              "1 validation error detected: Value '"
                  + type
                  + "' at 'shardFilter.type' failed to satisfy constraint: Member must satisfy"
                  + " enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON,"
                  + " AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]");
    };
  }

  private static boolean isOriginal(ShardEntry x) {
    return x.parent() < 0 && x.adjacentParent() < 0;
  }
}
