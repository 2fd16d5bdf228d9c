package io.watershed.kinesis.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.log.DurableFiles;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The Kinesis stream metadata the log does not hold, kept in one JSON file, {@code
 * <dir>/streams.json}, replaced atomically on every change (temp file, fsync, rename, directory
 * fsync: {@link DurableFiles#writeAtomically}), so after a crash it is the old file or the new one.
 * A file that does not parse whole, or whose version is unknown, stops the open instead of being
 * trusted.
 *
 * <p>Layout:
 *
 * <pre>
 * {
 *   "version": 1,
 *   "streams": [
 *     { "name": "orders",            // stream name = topic name
 *       "topicId": "uuid" | null,    // the topic holding it; null while CREATING
 *       "status": "ACTIVE",          // CREATING | ACTIVE | UPDATING | DELETING
 *       "createdMillis": 1700000000000,
 *       "retentionHours": 24,
 *       "mode": "PROVISIONED",       // PROVISIONED | ON_DEMAND
 *       "tags": { "key": "value" },
 *       "encryptionType": "NONE", "keyId": null,
 *       "shardLevelMetrics": [ ],
 *       "consumers": [ { "name": "app", "createdMillis": 1700000000000, "tags": { } } ],
 *       "shards": [                  // index i = partition i = shardId-00000000000i
 *         { "start": "0", "end": "340282366920938463463374607431768211455", // decimal hash keys
 *           "parent": -1, "adjacentParent": -1,       // partitions, -1 = none
 *           "createdMillis": 1700000000000,
 *           "endOffset": -1,        // -1 open, -2 closing, -3 pending, else the end at closing
 *           "closedMillis": -1 } ] } ]
 * }
 * </pre>
 *
 * <p>Thread-safe: readers see an immutable snapshot; changes are serialised and each is durable
 * when its method returns. Changes write to disk: call them off the event loops.
 */
public final class KinesisCatalog {
  static final int VERSION = 1;
  static final String FILE_NAME = "streams.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private volatile SortedMap<String, StreamEntry> entries;

  private KinesisCatalog(Path file, SortedMap<String, StreamEntry> entries) {
    this.file = file;
    this.entries = entries;
  }

  /** Opens (or starts) the catalog in {@code dir}, creating the directory when needed. */
  public static KinesisCatalog open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE_NAME);
    Files.deleteIfExists(dir.resolve(FILE_NAME + DurableFiles.TEMP_SUFFIX));
    SortedMap<String, StreamEntry> entries = new TreeMap<>();
    if (Files.exists(file)) {
      entries = decode(Files.readAllBytes(file), file);
    }
    return new KinesisCatalog(file, Collections.unmodifiableSortedMap(entries));
  }

  /** Every catalogued stream by name. */
  public SortedMap<String, StreamEntry> entries() {
    return entries;
  }

  public Optional<StreamEntry> entry(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /** Adds or replaces a stream's entry; durable on return. */
  public synchronized void put(StreamEntry entry) throws IOException {
    TreeMap<String, StreamEntry> next = new TreeMap<>(entries);
    next.put(entry.name(), entry.asCatalogued());
    write(next);
  }

  /** Removes a stream's entry, if present; durable on return. */
  public synchronized void remove(String name) throws IOException {
    if (!entries.containsKey(name)) {
      return;
    }
    TreeMap<String, StreamEntry> next = new TreeMap<>(entries);
    next.remove(name);
    write(next);
  }

  /** A change computed from the current entry under the catalog's lock. */
  @FunctionalInterface
  public interface Change {
    /** The new entry, or null to remove it. */
    StreamEntry apply(StreamEntry current);
  }

  /**
   * Replaces the entry of {@code name} (null when absent) with what {@code change} returns, under
   * the lock, so that concurrent changes to one stream apply one after the other.
   *
   * @return the new entry, or null when removed
   */
  public synchronized StreamEntry update(String name, Change change) throws IOException {
    StreamEntry current = entries.get(name);
    StreamEntry next = change.apply(current);
    if (next == current) {
      return current;
    }
    TreeMap<String, StreamEntry> map = new TreeMap<>(entries);
    if (next == null) {
      map.remove(name);
    } else {
      map.put(name, next.asCatalogued());
    }
    write(map);
    return map.get(name);
  }

  private void write(TreeMap<String, StreamEntry> next) throws IOException {
    DurableFiles.writeAtomically(file, ByteBuffer.wrap(encode(next.values())), true);
    entries = Collections.unmodifiableSortedMap(next);
  }

  // ---- codec ----------------------------------------------------------------------------------

  static byte[] encode(Iterable<StreamEntry> streams) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    ArrayNode list = root.putArray("streams");
    for (StreamEntry s : streams) {
      ObjectNode o = list.addObject();
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
    }
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
  }

  static SortedMap<String, StreamEntry> decode(byte[] bytes, Path file) throws IOException {
    SortedMap<String, StreamEntry> out = new TreeMap<>();
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.isObject()) {
        throw new IOException("not a JSON object");
      }
      int version = root.path("version").asInt(-1);
      if (version != VERSION) {
        throw new IOException("unknown version " + root.path("version"));
      }
      for (JsonNode o : root.path("streams")) {
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
        StreamEntry s =
            new StreamEntry(
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
        out.put(s.name(), s);
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException("Kinesis catalog " + file + " is unreadable: " + e.getMessage(), e);
    }
    return out;
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
