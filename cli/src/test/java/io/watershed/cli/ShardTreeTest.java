package io.watershed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** The lineage tree of a stream split once and merged once, as {@code kinesis streams describe}. */
class ShardTreeTest {
  static final BigInteger SPACE = BigInteger.ONE.shiftLeft(128);

  @Test
  void splitAndMergeDrawAsATree() {
    // 0 and 1 halve the key space; 0 splits into 2 and 3; 3 merges with 1 into 4.
    ArrayNode shards = AdminClient.JSON.createArrayNode();
    shards.add(shard(0, null, null, 0, 2, "CLOSED", 5, "2", "3"));
    shards.add(shard(1, null, null, 2, 4, "CLOSED", 0, "4"));
    shards.add(shard(2, 0, null, 0, 1, "OPEN", 1));
    shards.add(shard(3, 0, null, 1, 2, "CLOSED", 2, "4"));
    shards.add(shard(4, 3, 1, 1, 4, "OPEN", 0));
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    new ShardTree(shards).print(out);
    out.flush();
    assertThat(text.toString())
        .isEqualTo(
            """
            shardId-000000000000  CLOSED  hash keys 0%-50%  5 records
            |-- shardId-000000000002  OPEN  hash keys 0%-25%  1 record
            `-- shardId-000000000003  CLOSED  hash keys 25%-50%  2 records
                `-- shardId-000000000004  OPEN  hash keys 25%-100%  0 records  \
            (merged from shardId-000000000003 and shardId-000000000001)
            shardId-000000000001  CLOSED  hash keys 50%-100%  0 records
            `-- shardId-000000000004  (merged with shardId-000000000003, shown under it)
            """);
  }

  @Test
  void sharesHaveAtMostOneDecimal() {
    assertThat(ShardTree.share(BigInteger.ZERO)).isEqualTo("0%");
    assertThat(ShardTree.share(SPACE.divide(BigInteger.valueOf(3)))).isEqualTo("33.3%");
    assertThat(ShardTree.share(SPACE)).isEqualTo("100%");
  }

  /** A shard as the admin API gives it, its hash keys from quarter {@code from} to {@code to}. */
  private static JsonNode shard(
      int partition,
      Integer parent,
      Integer adjacent,
      int from,
      int to,
      String state,
      long records,
      String... children) {
    ObjectNode o = AdminClient.JSON.createObjectNode();
    o.put("shardId", id(partition));
    o.put("parentShardId", parent == null ? null : id(parent));
    o.put("adjacentParentShardId", adjacent == null ? null : id(adjacent));
    ArrayNode kids = o.putArray("childShardIds");
    for (String c : children) {
      kids.add(id(Integer.parseInt(c)));
    }
    BigInteger quarter = SPACE.shiftRight(2);
    o.putObject("hashKeyRange")
        .put("startingHashKey", quarter.multiply(BigInteger.valueOf(from)).toString())
        .put(
            "endingHashKey",
            quarter.multiply(BigInteger.valueOf(to)).subtract(BigInteger.ONE).toString());
    o.put("state", state);
    o.put("records", records);
    return o;
  }

  private static String id(int partition) {
    return String.format("shardId-%012d", partition);
  }
}
