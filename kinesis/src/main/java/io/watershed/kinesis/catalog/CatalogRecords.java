package io.watershed.kinesis.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.core.coordinator.CoordinatorRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Kinesis catalog's coordinator records (namespace {@value #NAMESPACE}): one record per stream,
 * so compaction keeps each stream's latest entry and a deleted stream's tombstone.
 *
 * <table>
 *   <caption>A catalog record</caption>
 *   <tr><th>part</th><th>content</th></tr>
 *   <tr><td>key</td><td>the stream name, UTF-8 (1 to 128 of {@code [a-zA-Z0-9_.-]})</td></tr>
 *   <tr><td>value</td><td>compact JSON: {@code {"v": 1, "stream": {...}}}, the stream as
 *       {@link StreamEntryJson} lays it out; null when the stream is gone</td></tr>
 * </table>
 *
 * A value whose {@code v} is not {@value #VERSION} was written by another version: the catalog
 * refuses to load rather than misread it.
 */
final class CatalogRecords {
  static final String NAMESPACE = "kinesis.catalog";
  static final int VERSION = 1;

  private CatalogRecords() {}

  static CoordinatorRecord put(StreamEntry s) {
    ObjectNode root = StreamEntryJson.JSON.createObjectNode();
    root.put("v", VERSION);
    StreamEntryJson.encode(s, root.putObject("stream"));
    try {
      return new CoordinatorRecord(key(s.name()), StreamEntryJson.JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CoordinatorRecord remove(String name) {
    return CoordinatorRecord.tombstone(key(name));
  }

  static byte[] key(String name) {
    return name.getBytes(StandardCharsets.UTF_8);
  }

  static String name(byte[] key) {
    return new String(key, StandardCharsets.UTF_8);
  }

  /**
   * The stream a record's value holds.
   *
   * @throws IllegalArgumentException when it is not a version-{@value #VERSION} stream entry
   */
  static StreamEntry decode(byte[] key, byte[] value) {
    try {
      JsonNode root = StreamEntryJson.JSON.readTree(value);
      if (root == null || root.path("v").asInt(-1) != VERSION) {
        throw new IOException("unknown version " + (root == null ? null : root.path("v")));
      }
      StreamEntry s = StreamEntryJson.decode(root.path("stream"));
      if (!s.name().equals(name(key))) {
        throw new IOException("the entry of " + s.name() + " is keyed " + name(key));
      }
      return s;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Kinesis catalog record of " + name(key) + " is unreadable: " + e.getMessage(), e);
    }
  }
}
