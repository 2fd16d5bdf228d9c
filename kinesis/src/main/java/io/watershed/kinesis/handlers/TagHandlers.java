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
 * ARN. At most 50 tags a resource; keys of 1 to 128 characters, values of 0 to 256 (checked with
 * the model's other constraints by {@link io.watershed.kinesis.RequestShapes}); the characters
 * Kinesis allows.
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
    Map<String, String> tags = tagMap(node, t.stream(), ctx.settings().accountId());
    return change(req, t, current -> current.putAll(tags));
  }

  /**
   * The {@code Tags} map of a request (its sizes and lengths already checked against the model),
   * with its characters checked as Kinesis checks them once the stream is found: keys and values
   * hold Unicode letters, digits, white space and {@code _ . / = + - @}. Kinesis's documentation
   * lists {@code %} too, but Kinesis refuses it, with a message of its own.
   *
   * @param stream the stream, for the message
   * @throws KinesisException InvalidArgumentException
   */
  static Map<String, String> tagMap(JsonNode node, String stream, String account) {
    Map<String, String> tags = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String value = e.getValue().isTextual() ? e.getValue().textValue() : "";
      tags.put(e.getKey(), value);
    }
    boolean percent = false;
    for (Map.Entry<String, String> e : tags.entrySet()) {
      for (String text : List.of(e.getKey(), e.getValue())) {
        if (!text.codePoints().allMatch(TagHandlers::allowedInTag)) {
          throw KinesisException.invalidArgument(
              "Some tags contain invalid characters. Valid characters: Unicode letters, digits,"
                  + " white space, _ . / = + - % @.");
        }
        percent |= text.indexOf('%') >= 0;
      }
    }
    if (percent) {
      throw KinesisException.invalidArgument(
          "Failed to add tags to stream "
              + stream
              + " under account "
              + account
              + " because some tags contained illegal characters. The allowed characters are"
              + " Unicode letters, white-spaces, '_',',','/','=','+','-','@'.");
    }
    if (tags.size() > MAX_TAGS) {
      throw KinesisException.invalidArgument(
          "Failed to add tags to stream "
              + stream
              + " under account "
              + account
              + " because a given stream cannot have more than "
              + MAX_TAGS
              + " tags associated with it.");
    }
    return tags;
  }

  private static boolean allowedInTag(int c) {
    return Character.isLetter(c)
        || Character.isDigit(c)
        || Character.isWhitespace(c)
        || Character.isSpaceChar(c)
        || "_./=+-%@".indexOf(c) >= 0;
  }

  private CompletableFuture<ObjectNode> remove(KinesisRequest req, Target t) {
    JsonNode keys = req.member("TagKeys");
    if (keys == null) {
      throw KinesisRequest.missing("TagKeys");
    }
    List<String> names = new ArrayList<>();
    for (JsonNode k : keys) {
      if (k.isTextual()) {
        names.add(k.textValue());
      }
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
