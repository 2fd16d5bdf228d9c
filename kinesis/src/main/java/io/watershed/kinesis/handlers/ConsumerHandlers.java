package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.catalog.ConsumerEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Enhanced fan-out consumers: RegisterStreamConsumer (at most 20 a stream, ACTIVE at once: there is
 * nothing to provision), DescribeStreamConsumer, ListStreamConsumers (paged by NextToken) and
 * DeregisterStreamConsumer (its subscriptions end).
 */
final class ConsumerHandlers {
  static final int MAX_CONSUMERS = 20;
  static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  private final KinesisContext ctx;

  private ConsumerHandlers(KinesisContext ctx) {
    this.ctx = ctx;
  }

  static List<OperationHandler> all(KinesisContext ctx) {
    ConsumerHandlers h = new ConsumerHandlers(ctx);
    return List.of(
        new SimpleOperation("RegisterStreamConsumer", h::register),
        new SimpleOperation("DescribeStreamConsumer", h::describe),
        new SimpleOperation("ListStreamConsumers", h::list),
        new SimpleOperation("DeregisterStreamConsumer", h::deregister));
  }

  private ObjectNode consumer(ObjectNode o, KinesisRequest req, StreamEntry s, ConsumerEntry c) {
    o.put("ConsumerName", c.name());
    o.put("ConsumerARN", ctx.consumerArn(s.name(), c));
    o.put("ConsumerStatus", "ACTIVE");
    o.set("ConsumerCreationTimestamp", req.encoding().timestamp(c.createdMillis() / 1000 * 1000));
    return o;
  }

  private CompletableFuture<ObjectNode> register(KinesisRequest req) {
    String name = ctx.nameFromArn(req.requireString("StreamARN"));
    String consumer = req.requireString("ConsumerName");
    if (!NAME.matcher(consumer).matches()) {
      throw KinesisException.validation(
          "1 validation error detected: Value '"
              + consumer
              + "' at 'consumerName' failed to satisfy constraint: Member must satisfy regular"
              + " expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and 128");
    }
    JsonNode tagNode = req.member("Tags");
    Map<String, String> tags =
        tagNode == null ? Map.of() : TagHandlers.tagMap(tagNode, name, ctx.settings().accountId());
    long now = ctx.now();
    return ctx.change(
            name,
            s -> {
              if (s.consumer(consumer) != null) {
                throw KinesisException.resourceInUse(
                    "Consumer "
                        + consumer
                        + " under stream "
                        + s.name()
                        + " already exists for account "
                        + ctx.settings().accountId()
                        + ".");
              }
              if (s.consumers().size() >= MAX_CONSUMERS) {
                throw KinesisException.limitExceeded(
                    "Consumer limit of " + MAX_CONSUMERS + " reached for stream " + s.name() + ".");
              }
              return s.with(
                  b -> b.consumers.add(new ConsumerEntry(consumer, now, new TreeMap<>(tags))));
            })
        .thenApply(
            s -> {
              ObjectNode out = req.newObject();
              consumer(out.putObject("Consumer"), req, s, s.consumer(consumer));
              return out;
            });
  }

  private CompletableFuture<ObjectNode> describe(KinesisRequest req) {
    KinesisContext.Consumer c = ctx.requireConsumer(req);
    ObjectNode out = req.newObject();
    consumer(out.putObject("ConsumerDescription"), req, c.stream(), c.consumer())
        .put("StreamARN", ctx.arn(c.stream().name()));
    return CompletableFuture.completedFuture(out);
  }

  private CompletableFuture<ObjectNode> list(KinesisRequest req) {
    int max = req.intInRange("MaxResults", 1, 10_000, 100);
    String token = req.string("NextToken");
    String streamArn = req.requireString("StreamARN");
    StreamEntry s =
        ctx.stream(ctx.nameFromArn(streamArn))
            .orElseThrow(() -> ctx.notFound(ctx.nameFromArn(streamArn)));
    int from = 0;
    if (token != null) {
      Tokens.NextToken t =
          Tokens.parseNextToken(
              token, Tokens.LIST_CONSUMERS, ctx.now(), ctx.settings().iteratorLifetimeMs());
      if (!t.name().equals(s.name())) {
        throw KinesisException.invalidArgument("Invalid NextToken.");
      }
      from = t.position();
    }
    ObjectNode out = req.newObject();
    ArrayNode list = out.putArray("Consumers");
    List<ConsumerEntry> all = s.consumers();
    int to = Math.min(all.size(), from + max);
    for (int i = from; i < to; i++) {
      consumer(list.addObject(), req, s, all.get(i));
    }
    if (to < all.size()) {
      out.put("NextToken", Tokens.nextToken(ctx.now(), Tokens.LIST_CONSUMERS, to, s.name()));
    }
    return CompletableFuture.completedFuture(out);
  }

  private CompletableFuture<ObjectNode> deregister(KinesisRequest req) {
    KinesisContext.Consumer c = ctx.requireConsumer(req);
    String consumer = c.consumer().name();
    return ctx.change(
            c.stream().name(),
            s -> {
              if (s.consumer(consumer) == null) {
                throw ctx.consumerNotFound(consumer, s.name());
              }
              return s.with(b -> b.consumers.removeIf(x -> x.name().equals(consumer)));
            })
        .thenApply(ignored -> req.newObject());
  }
}
