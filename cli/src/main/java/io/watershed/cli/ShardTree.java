package io.watershed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kinesis stream's shard lineage as an indented tree, in the ASCII style of {@code tree
 * --charset=ascii}: shards without parents at the left, each shard's children under it. A merged
 * shard has two parents; it is drawn under its parent and named, without its subtree, under the
 * adjacent parent. Each line gives the shard's state, its share of the hash-key space and the
 * records of its partition.
 */
final class ShardTree {
  /** 2^128: the size of the hash-key space. */
  private static final BigDecimal KEY_SPACE = new BigDecimal(BigInteger.ONE.shiftLeft(128));

  private final Map<String, JsonNode> shards = new LinkedHashMap<>();

  /**
   * @param shards the API's shards ({@code /api/v1/kinesis/streams/{stream}/shards}), in partition
   *     order
   */
  ShardTree(JsonNode shards) {
    for (JsonNode s : shards) {
      this.shards.put(s.path("shardId").asText(), s);
    }
  }

  void print(PrintWriter out) {
    Set<String> drawn = new HashSet<>();
    for (JsonNode s : shards.values()) {
      if (parentOf(s) == null) {
        out.println(line(s));
        children(s, "", out, drawn);
      }
    }
    // A shard whose parents are gone from the listing would otherwise be missed.
    for (JsonNode s : shards.values()) {
      if (!drawn.contains(s.path("shardId").asText()) && parentOf(s) != null) {
        out.println(line(s) + "  (parent " + parentOf(s) + ")");
        children(s, "", out, drawn);
      }
    }
  }

  private void children(JsonNode parent, String indent, PrintWriter out, Set<String> drawn) {
    drawn.add(parent.path("shardId").asText());
    List<JsonNode> kids = new ArrayList<>();
    for (JsonNode id : parent.path("childShardIds")) {
      JsonNode child = shards.get(id.asText());
      if (child != null) {
        kids.add(child);
      }
    }
    for (int i = 0; i < kids.size(); i++) {
      JsonNode child = kids.get(i);
      boolean last = i == kids.size() - 1;
      String branch = indent + (last ? "`-- " : "|-- ");
      String under = indent + (last ? "    " : "|   ");
      String parentId = parent.path("shardId").asText();
      if (!parentId.equals(parentOf(child))) {
        out.println(
            branch
                + child.path("shardId").asText()
                + "  (merged with "
                + parentOf(child)
                + ", shown under it)");
      } else {
        out.println(branch + line(child));
        children(child, under, out, drawn);
      }
    }
  }

  private static String parentOf(JsonNode shard) {
    JsonNode p = shard.get("parentShardId");
    return p == null || p.isNull() ? null : p.asText();
  }

  private static String line(JsonNode s) {
    JsonNode keys = s.path("hashKeyRange");
    BigInteger endExclusive =
        new BigInteger(keys.path("endingHashKey").asText()).add(BigInteger.ONE);
    long records = s.path("records").asLong();
    StringBuilder line =
        new StringBuilder(s.path("shardId").asText())
            .append("  ")
            .append(s.path("state").asText())
            .append("  hash keys ")
            .append(share(new BigInteger(keys.path("startingHashKey").asText())))
            .append('-')
            .append(share(endExclusive))
            .append("  ")
            .append(records)
            .append(records == 1 ? " record" : " records");
    JsonNode adjacent = s.get("adjacentParentShardId");
    if (adjacent != null && !adjacent.isNull()) {
      line.append("  (merged from ")
          .append(parentOf(s))
          .append(" and ")
          .append(adjacent.asText())
          .append(')');
    }
    return line.toString();
  }

  /** Where a hash key lies in the key space, as a percentage with at most one decimal. */
  static String share(BigInteger hashKey) {
    BigDecimal pct =
        new BigDecimal(hashKey)
            .multiply(BigDecimal.valueOf(100))
            .divide(KEY_SPACE, 1, RoundingMode.HALF_EVEN)
            .stripTrailingZeros();
    return pct.toPlainString() + "%";
  }
}
