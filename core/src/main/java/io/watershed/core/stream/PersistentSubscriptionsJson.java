package io.watershed.core.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.core.stream.PersistentSubscriptionSettings.ConsumerStrategy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A persistent subscription group's definition as JSON, as it has always been stored: {@code
 * {"stream": …, "group": …, "settings": {…}}}, one such entry per group in the {@code entries} of
 * {@value PersistentSubscriptions#CONFIG_STREAM}'s last event.
 */
final class PersistentSubscriptionsJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PersistentSubscriptionsJson() {}

  /** A group's definition. */
  record Definition(String stream, String group, PersistentSubscriptionSettings settings) {}

  static byte[] encode(Definition d) {
    ObjectNode e = JSON.createObjectNode();
    e.put("stream", d.stream());
    e.put("group", d.group());
    e.set("settings", toJson(d.settings()));
    try {
      return JSON.writeValueAsBytes(e);
    } catch (IOException x) {
      throw new IllegalStateException(x);
    }
  }

  /**
   * @throws IllegalArgumentException when {@code bytes} is not a definition
   */
  static Definition decode(byte[] bytes) {
    try {
      return decode(JSON.readTree(bytes));
    } catch (IOException e) {
      throw new IllegalArgumentException("not a subscription definition: " + e.getMessage(), e);
    }
  }

  static Definition decode(JsonNode e) {
    return new Definition(
        e.path("stream").asText(), e.path("group").asText(), fromJson(e.path("settings")));
  }

  /** The whole set, as the config stream's event holds it. */
  static byte[] encodeAll(List<byte[]> definitions) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode entries = root.putArray("entries");
    try {
      for (byte[] d : definitions) {
        entries.add(JSON.readTree(d));
      }
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The entries of the config stream's event, each as {@link #encode}'s bytes. */
  static List<byte[]> decodeAll(byte[] data) throws IOException {
    List<byte[]> out = new ArrayList<>();
    for (JsonNode e : JSON.readTree(data).path("entries")) {
      out.add(JSON.writeValueAsBytes(e));
    }
    return out;
  }

  private static ObjectNode toJson(PersistentSubscriptionSettings s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("resolveLinks", s.resolveLinks());
    o.put("startFrom", s.startFrom());
    o.put("messageTimeoutMs", s.messageTimeoutMs());
    o.put("maxRetryCount", s.maxRetryCount());
    o.put("liveBufferSize", s.liveBufferSize());
    o.put("readBatchSize", s.readBatchSize());
    o.put("historyBufferSize", s.historyBufferSize());
    o.put("checkpointAfterMs", s.checkpointAfterMs());
    o.put("minCheckpointCount", s.minCheckpointCount());
    o.put("maxCheckpointCount", s.maxCheckpointCount());
    o.put("maxSubscriberCount", s.maxSubscriberCount());
    o.put("consumerStrategy", s.consumerStrategy().name());
    if (s.filter() != null) {
      ObjectNode f = o.putObject("filter");
      f.put("onStreamName", s.filter().onStreamName());
      ArrayNode p = f.putArray("prefixes");
      s.filter().prefixes().forEach(p::add);
      if (s.filter().regex() != null) {
        f.put("regex", s.filter().regex());
      }
    }
    return o;
  }

  private static PersistentSubscriptionSettings fromJson(JsonNode o) {
    EventFilter filter = null;
    JsonNode f = o.get("filter");
    if (f != null && f.isObject()) {
      List<String> prefixes = new ArrayList<>();
      for (Iterator<JsonNode> it = f.path("prefixes").elements(); it.hasNext(); ) {
        prefixes.add(it.next().asText());
      }
      filter =
          new EventFilter(
              f.path("onStreamName").asBoolean(),
              prefixes,
              f.hasNonNull("regex") ? f.get("regex").asText() : null);
    }
    return new PersistentSubscriptionSettings(
        o.path("resolveLinks").asBoolean(),
        o.path("startFrom").asLong(),
        o.path("messageTimeoutMs").asInt(),
        o.path("maxRetryCount").asInt(),
        o.path("liveBufferSize").asInt(),
        o.path("readBatchSize").asInt(),
        o.path("historyBufferSize").asInt(),
        o.path("checkpointAfterMs").asInt(),
        o.path("minCheckpointCount").asInt(),
        o.path("maxCheckpointCount").asInt(),
        o.path("maxSubscriberCount").asInt(),
        ConsumerStrategy.valueOf(o.path("consumerStrategy").asText()),
        filter);
  }
}
