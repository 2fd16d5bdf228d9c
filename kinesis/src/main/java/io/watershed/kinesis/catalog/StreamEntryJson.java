package io.watershed.kinesis.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One catalogued stream as a JSON object, the same in a catalog record ({@link CatalogRecords}) and
 * in the version-1 file of earlier versions ({@link LegacyCatalogFile}):
 *
 * <pre>
 * { "name": "orders",            // stream name = topic name
 *   "topicId": "uuid" | null,    // the topic holding it; null while CREATING
 *   "status": "ACTIVE",          // CREATING | ACTIVE | UPDATING | DELETING
 *   "createdMillis": 1700000000000,
 *   "retentionHours": 24,
 *   "mode": "PROVISIONED",       // PROVISIONED | ON_DEMAND
 *   "tags": { "key": "value" },
 *   "encryptionType": "NONE", "keyId": null,
 *   "shardLevelMetrics": [ ],
 *   "consumers": [ { "name": "app", "createdMillis": 1700000000000, "tags": { } } ],
 *   "shards": [                  // index i = partition i = shardId-00000000000i
 *     { "start": "0", "end": "340282366920938463463374607431768211455", // decimal hash keys
 *       "parent": -1, "adjacentParent": -1,       // partitions, -1 = none
 *       "createdMillis": 1700000000000,
 *       "endOffset": -1,        // -1 open, -2 closing, -3 pending, else the end at closing
 *       "closedMillis": -1 } ] }
 * </pre>
 */
final class StreamEntryJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private StreamEntryJson() {}

  /** Writes {@code s} into {@code o}. */
  static ObjectNode encode(StreamEntry s, ObjectNode o) {
    o.put("name", s.name());
    o.put("topicId", s.topicId() == null ? null : s.topicId().toString());
    o.put("status", s.status());
    o.put("createdMillis", s.createdMillis());
    o.put("retentionHours", s.retentionHours());
    o.put("mode", s.mode());
    ObjectNode tags = o.putObject("tags");
    s.tags().forEach(tags::put);
    o.put("encryptionType", s.encryptionType());
    o.put("keyId", s.keyId());
    ArrayNode metrics = o.putArray("shardLevelMetrics");
    s.shardLevelMetrics().forEach(metrics::add);
    ArrayNode consumers = o.putArray("consumers");
    for (ConsumerEntry c : s.consumers()) {
      ObjectNode co = consumers.addObject();
      co.put("name", c.name());
      co.put("createdMillis", c.createdMillis());
      ObjectNode ctags = co.putObject("tags");
      c.tags().forEach(ctags::put);
    }
    ArrayNode shards = o.putArray("shards");
    for (ShardEntry sh : s.shards()) {
      ObjectNode so = shards.addObject();
      so.put("start", sh.startingHashKey().toString());
      so.put("end", sh.endingHashKey().toString());
      so.put("parent", sh.parent());
      so.put("adjacentParent", sh.adjacentParent());
      so.put("createdMillis", sh.createdMillis());
      so.put("endOffset", sh.endOffset());
      so.put("closedMillis", sh.closedMillis());
    }
    return o;
  }

  /**
   * The catalogued stream {@code o} describes.
   *
   * @throws IOException when a required field is missing or malformed
   */
  static StreamEntry decode(JsonNode o) throws IOException {
    try {
      List<ShardEntry> shards = new ArrayList<>();
      int i = 0;
      for (JsonNode so : o.path("shards")) {
        shards.add(
            new ShardEntry(
                i++,
                new BigInteger(text(so, "start")),
                new BigInteger(text(so, "end")),
                so.path("parent").asInt(-1),
                so.path("adjacentParent").asInt(-1),
                so.path("createdMillis").asLong(),
                so.path("endOffset").asLong(ShardEntry.OPEN),
                so.path("closedMillis").asLong(-1)));
      }
      List<ConsumerEntry> consumers = new ArrayList<>();
      for (JsonNode co : o.path("consumers")) {
        consumers.add(
            new ConsumerEntry(
                text(co, "name"), co.path("createdMillis").asLong(), tags(co.path("tags"))));
      }
      TreeSet<String> metrics = new TreeSet<>();
      o.path("shardLevelMetrics").forEach(m -> metrics.add(m.asText()));
      JsonNode topicId = o.get("topicId");
      JsonNode keyId = o.get("keyId");
      return new StreamEntry(
          text(o, "name"),
          topicId == null || topicId.isNull() ? null : UUID.fromString(topicId.asText()),
          text(o, "status"),
          o.path("createdMillis").asLong(),
          o.path("retentionHours").asInt(24),
          text(o, "mode"),
          tags(o.path("tags")),
          shards,
          text(o, "encryptionType"),
          keyId == null || keyId.isNull() ? null : keyId.asText(),
          metrics,
          consumers,
          true);
    } catch (RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static TreeMap<String, String> tags(JsonNode o) {
    TreeMap<String, String> tags = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      tags.put(e.getKey(), e.getValue().asText());
    }
    return tags;
  }

  private static String text(JsonNode o, String field) throws IOException {
    JsonNode n = o.get(field);
    if (n == null || !n.isTextual()) {
      throw new IOException("missing " + field);
    }
    return n.textValue();
  }
}
