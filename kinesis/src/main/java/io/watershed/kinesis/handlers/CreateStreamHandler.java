package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.catalog.StreamEntry;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * CreateStream: a topic with one partition per shard. The entry is written CREATING first, then the
 * topic is created, then the entry turns ACTIVE with the topic's id; the answer comes once the
 * stream is ACTIVE (real Kinesis answers at CREATING; clients wait for ACTIVE either way). {@code
 * StreamModeDetails} ON_DEMAND without a shard count gives 4 shards.
 */
final class CreateStreamHandler implements OperationHandler {
  static final int ON_DEMAND_SHARDS = 4;
  static final int DEFAULT_RETENTION_HOURS = 24;

  private final KinesisContext ctx;

  CreateStreamHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "CreateStream";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    String name = req.requireString("StreamName");
    KinesisContext.checkName(name);
    String mode = "PROVISIONED";
    JsonNode details = req.member("StreamModeDetails");
    if (details != null) {
      String m = KinesisRequest.string(details, "StreamMode");
      if (!"PROVISIONED".equals(m) && !"ON_DEMAND".equals(m)) {
        throw KinesisException.validation(
            "1 validation error detected: Value '"
                + m
                + "' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must"
                + " satisfy enum value set: [PROVISIONED, ON_DEMAND]");
      }
      mode = m;
    }
    Integer count = req.integer("ShardCount");
    if (count == null) {
      if (mode.equals("PROVISIONED")) {
        throw KinesisException.invalidArgument(
            "ShardCount is required for streams in PROVISIONED mode.");
      }
      count = ON_DEMAND_SHARDS;
    }
    if (count < 1) {
      throw KinesisException.validation(
          "1 validation error detected: Value '"
              + count
              + "' at 'shardCount' failed to satisfy constraint: Member must have value greater"
              + " than or equal to 1");
    }
    JsonNode tagNode = req.member("Tags");
    TreeMap<String, String> tags =
        new TreeMap<>(
            tagNode == null
                ? Map.of()
                : TagHandlers.tagMap(tagNode, name, ctx.settings().accountId()));
    int shards = count;
    String streamMode = mode;
    return Shapes.onIo(ctx, () -> create(name, shards, streamMode, tags))
        .thenCompose(f -> f)
        .thenApply(ignored -> req.newObject());
  }

  private CompletableFuture<Void> create(
      String name, int shards, String mode, TreeMap<String, String> tags) {
    long now = ctx.now();
    try {
      ctx.catalog()
          .update(
              name,
              (current, catalog) -> {
                if (ctx.stream(name, catalog).isPresent()) {
                  throw KinesisException.resourceInUse(
                      "Stream "
                          + name
                          + " under account "
                          + ctx.settings().accountId()
                          + " already exists.");
                }
                int open = 0;
                int onDemand = 0;
                for (StreamEntry s : ctx.streams(catalog)) {
                  open += s.openShardCount();
                  onDemand += s.mode().equals("ON_DEMAND") ? 1 : 0;
                }
                if (mode.equals("ON_DEMAND") && onDemand >= ctx.settings().onDemandStreamLimit()) {
                  throw KinesisException.limitExceeded(
                      "This request would exceed the on-demand stream count limit for the account "
                          + ctx.settings().accountId()
                          + ". Limit: "
                          + ctx.settings().onDemandStreamLimit()
                          + ".");
                }
                ctx.checkShardLimit(open, shards);
                return StreamEntry.create(name, shards, mode, DEFAULT_RETENTION_HOURS, now, true)
                    .with(b -> b.tags = tags);
              });
    } catch (IOException e) {
      throw Shapes.io(e);
    }
    return ctx.topics()
        .create(name, shards, KinesisContext.topicConfigs(DEFAULT_RETENTION_HOURS))
        .handleAsync(
            (topic, err) -> {
              try {
                if (err != null) {
                  ctx.catalog().remove(name);
                  throw err instanceof RuntimeException r ? r : new RuntimeException(err);
                }
                ctx.catalog()
                    .update(
                        name,
                        (e, catalog) ->
                            e == null
                                ? null
                                : e.with(
                                    b -> {
                                      b.topicId = topic.topicId();
                                      b.status = StreamEntry.ACTIVE;
                                    }));
                return null;
              } catch (IOException e) {
                throw Shapes.io(e);
              }
            },
            ctx.io());
  }
}
