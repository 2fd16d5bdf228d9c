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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The six tag operations: AddTagsToStream, RemoveTagsFromStream and ListTagsForStream name a stream
 * (by name or ARN); TagResource, UntagResource and ListTagsForResource name a stream or consumer
 * ARN. At most 50 tags a resource; keys of 1 to 128 characters, values of 0 to 256.
 */
final class TagHandlers {
  static final int MAX_TAGS = 50;

  private final KinesisContext ctx;

  private TagHandlers(KinesisContext ctx) {
    this.ctx = ctx;
  }

  static List<OperationHandler> all(KinesisContext ctx) {
    TagHandlers h = new TagHandlers(ctx);
    return List.of(
        new SimpleOperation("AddTagsToStream", r -> h.add(r, h.streamTarget(r), "Tags")),
        new SimpleOperation("TagResource", r -> h.add(r, h.resourceTarget(r), "Tags")),
        new SimpleOperation("RemoveTagsFromStream", r -> h.remove(r, h.streamTarget(r))),
        new SimpleOperation("UntagResource", r -> h.remove(r, h.resourceTarget(r))),
        new SimpleOperation("ListTagsForStream", h::listForStream),
        new SimpleOperation("ListTagsForResource", h::listForResource));
  }

  /** A stream, or a consumer of it (consumer null for the stream itself). */
  private record Target(String stream, String consumer) {}

  private Target streamTarget(KinesisRequest req) {
    return new Target(ctx.requireReadyStream(req).name(), null);
  }

  private Target resourceTarget(KinesisRequest req) {
    String arn = req.requireString("ResourceARN");
    if (arn.contains("/consumer/")) {
      KinesisContext.Consumer c =
          ctx.requireConsumer(
              new KinesisRequest(
                  req.operation(), req.newObject().put("ConsumerARN", arn), req.encoding()));
      return new Target(c.stream().name(), c.consumer().name());
    }
    return new Target(ctx.nameFromArn(arn), null);
  }

  private SortedMap<String, String> tagsOf(Target t) {
    StreamEntry s = ctx.stream(t.stream()).orElseThrow(() -> ctx.notFound(t.stream()));
    if (t.consumer() == null) {
      return s.tags();
    }
    ConsumerEntry c = s.consumer(t.consumer());
    if (c == null) {
      throw ctx.consumerNotFound(t.consumer(), t.stream());
    }
    return c.tags();
  }

  private CompletableFuture<ObjectNode> change(
      KinesisRequest req, Target t, java.util.function.Consumer<SortedMap<String, String>> edit) {
    return ctx.change(
            t.stream(),
            s -> {
              if (t.consumer() == null) {
                TreeMap<String, String> tags = new TreeMap<>(s.tags());
                edit.accept(tags);
                checkCount(tags, s.name());
                return s.with(b -> b.tags = tags);
              }
              ConsumerEntry c = s.consumer(t.consumer());
              if (c == null) {
                throw ctx.consumerNotFound(t.consumer(), s.name());
              }
              TreeMap<String, String> tags = new TreeMap<>(c.tags());
              edit.accept(tags);
              checkCount(tags, s.name());
              return s.with(b -> b.consumers.replaceAll(x -> x == c ? c.withTags(tags) : x));
            })
        .thenApply(ignored -> req.newObject());
  }

  private void checkCount(SortedMap<String, String> tags, String stream) {
    if (tags.size() > MAX_TAGS) {
      throw KinesisException.invalidArgument(
          "Failed to add tags to stream "
              + stream
              + " under account "
              + ctx.settings().accountId()
              + " because a given stream cannot have more than "
              + MAX_TAGS
              + " tags associated with it.");
    }
  }

  private CompletableFuture<ObjectNode> add(KinesisRequest req, Target t, String field) {
    JsonNode node = req.member(field);
    if (node == null) {
      throw KinesisRequest.missing(field);
    }
    Map<String, String> tags = tagMap(node);
    return change(req, t, current -> current.putAll(tags));
  }

  /** The {@code Tags} map of a request: 1 to 50 pairs, checked as Kinesis checks them. */
  static Map<String, String> tagMap(JsonNode node) {
    if (!node.isObject() || node.isEmpty() || node.size() > MAX_TAGS) {
      throw KinesisException.validation(
          "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must"
              + " have length between 1 and "
              + MAX_TAGS);
    }
    Map<String, String> tags = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String value = e.getValue().isTextual() ? e.getValue().textValue() : null;
      if (value == null) {
        throw KinesisException.serialization("Expected a string for a tag value");
      }
      checkKey(e.getKey());
      if (value.length() > 256) {
        throw KinesisException.validation(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Map value"
                + " must satisfy constraint: [Member must have length less than or equal to 256]");
      }
      tags.put(e.getKey(), value);
    }
    return tags;
  }

  private static void checkKey(String key) {
    if (key.isEmpty() || key.length() > 128) {
      throw KinesisException.validation(
          "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member"
              + " must have length between 1 and 128");
    }
  }

  private CompletableFuture<ObjectNode> remove(KinesisRequest req, Target t) {
    JsonNode keys = req.member("TagKeys");
    if (keys == null) {
      throw KinesisRequest.missing("TagKeys");
    }
    if (!keys.isArray() || keys.isEmpty() || keys.size() > MAX_TAGS) {
      throw KinesisException.validation(
          "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member"
              + " must have length between 1 and "
              + MAX_TAGS);
    }
    List<String> names = new ArrayList<>();
    for (JsonNode k : keys) {
      if (!k.isTextual()) {
        throw KinesisException.serialization("Expected a string in TagKeys");
      }
      checkKey(k.textValue());
      names.add(k.textValue());
    }
    return change(req, t, current -> names.forEach(current::remove));
  }

  private CompletableFuture<ObjectNode> listForStream(KinesisRequest req) {
    StreamEntry s = ctx.requireReadyStream(req);
    int limit = req.intInRange("Limit", 1, MAX_TAGS, MAX_TAGS);
    String after = req.string("ExclusiveStartTagKey");
    ObjectNode out = req.newObject();
    ArrayNode list = out.putArray("Tags");
    boolean more = false;
    for (Map.Entry<String, String> e : s.tags().entrySet()) {
      if (after != null && e.getKey().compareTo(after) <= 0) {
        continue;
      }
      if (list.size() == limit) {
        more = true;
        break;
      }
      list.addObject().put("Key", e.getKey()).put("Value", e.getValue());
    }
    out.put("HasMoreTags", more);
    return CompletableFuture.completedFuture(out);
  }

  private CompletableFuture<ObjectNode> listForResource(KinesisRequest req) {
    SortedMap<String, String> tags = tagsOf(resourceTarget(req));
    ObjectNode out = req.newObject();
    ArrayNode list = out.putArray("Tags");
    tags.forEach((k, v) -> list.addObject().put("Key", k).put("Value", v));
    return CompletableFuture.completedFuture(out);
  }
}
