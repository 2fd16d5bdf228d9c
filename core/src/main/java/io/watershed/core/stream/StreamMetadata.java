package io.watershed.core.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The parts of a stream's metadata (the last {@code $metadata} event of {@code $$<stream>}, a JSON
 * object) that decide which of its events reads return. Other fields (ACLs, custom properties) are
 * kept in the event but not interpreted.
 *
 * @param maxAgeSeconds events older than this are hidden; 0 = no limit
 * @param maxCount only the newest this many events are visible; 0 = no limit
 * @param truncateBefore events before this revision are hidden (a soft delete sets it past the last
 *     event); 0 = none
 */
record StreamMetadata(long maxAgeSeconds, long maxCount, long truncateBefore) {
  static final StreamMetadata NONE = new StreamMetadata(0, 0, 0);

  /** What holds for every {@code $$} stream: only its last metadata event is visible. */
  static final StreamMetadata METADATA_STREAM = new StreamMetadata(0, 1, 0);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Parses metadata JSON; what is not a JSON object, or is malformed, limits nothing. */
  static StreamMetadata parse(byte[] json) {
    try {
      JsonNode n = JSON.readTree(json);
      if (n == null || !n.isObject()) {
        return NONE;
      }
      return new StreamMetadata(
          positive(n.get("$maxAge")), positive(n.get("$maxCount")), positive(n.get("$tb")));
    } catch (IOException e) {
      return NONE;
    }
  }

  private static long positive(JsonNode n) {
    return n != null && n.canConvertToLong() && n.asLong() > 0 ? n.asLong() : 0;
  }

  /** {@code json} (metadata as stored, possibly empty) with {@code $tb} set to {@code tb}. */
  static byte[] withTruncateBefore(byte[] json, long tb) {
    ObjectNode o;
    try {
      JsonNode n = json == null || json.length == 0 ? null : JSON.readTree(json);
      o = n != null && n.isObject() ? (ObjectNode) n : JSON.createObjectNode();
    } catch (IOException e) {
      o = JSON.createObjectNode();
    }
    o.put("$tb", tb);
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write metadata JSON", e);
    }
  }

  /**
   * Whether the event at {@code revision} (of a stream whose last revision is {@code
   * lastRevision}), created at {@code createdMillis}, is visible at {@code nowMillis}.
   */
  boolean visible(long revision, long lastRevision, long createdMillis, long nowMillis) {
    if (revision < truncateBefore) {
      return false;
    }
    if (maxCount > 0 && revision <= lastRevision - maxCount) {
      return false;
    }
    return maxAgeSeconds <= 0 || createdMillis >= nowMillis - maxAgeSeconds * 1000;
  }
}
