package io.watershed.fuzz.mutate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutations of a JSON or CBOR body as a tree: a value replaced by one of another type (string,
 * number, huge number, boolean, null, object, array, bytes, a long string), a member removed or
 * added, or the whole body nested deeply. The body is written back in its own encoding; a body that
 * does not parse is returned as it is.
 */
public final class TreeMutations {
  public static final ObjectMapper JSON = new ObjectMapper();
  public static final ObjectMapper CBOR = new CBORMapper();

  private TreeMutations() {}

  public static byte[] mutate(byte[] body, boolean cbor, SplittableRandom r) {
    ObjectMapper m = cbor ? CBOR : JSON;
    JsonNode root;
    try {
      root = m.readTree(body);
    } catch (IOException | RuntimeException e) {
      return body;
    }
    if (root == null || root.isMissingNode()) {
      return body;
    }
    JsonNode out;
    if (r.nextInt(20) == 0) {
      out = nest(root, 200 + r.nextInt(800));
    } else {
      out = root.deepCopy();
      List<JsonNode> containers = new ArrayList<>();
      collect(out, containers, 0);
      if (containers.isEmpty()) {
        out = swap(out, r);
      } else {
        JsonNode c = containers.get(r.nextInt(containers.size()));
        mutateIn(c, r);
      }
    }
    try {
      return m.writeValueAsBytes(out);
    } catch (IOException e) {
      return body;
    }
  }

  private static void collect(JsonNode n, List<JsonNode> out, int depth) {
    if (depth > 50) {
      return;
    }
    if (n.isContainerNode()) {
      out.add(n);
      n.forEach(c -> collect(c, out, depth + 1));
    }
  }

  private static void mutateIn(JsonNode container, SplittableRandom r) {
    if (container instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      int roll = r.nextInt(10);
      if (names.isEmpty() || roll == 0) {
        o.set(names.isEmpty() || r.nextBoolean() ? "Fuzz" : names.get(0) + "X", swap(null, r));
      } else if (roll == 1) {
        o.remove(names.get(r.nextInt(names.size())));
      } else {
        String name = names.get(r.nextInt(names.size()));
        o.set(name, swap(o.get(name), r));
      }
    } else if (container instanceof ArrayNode a) {
      if (a.isEmpty() || r.nextInt(8) == 0) {
        a.add(swap(null, r));
      } else if (r.nextInt(8) == 0) {
        a.remove(r.nextInt(a.size()));
      } else if (r.nextInt(8) == 0) {
        for (int i = 0; i < 600; i++) {
          a.add(a.get(0).deepCopy());
        }
      } else {
        int i = r.nextInt(a.size());
        a.set(i, swap(a.get(i), r));
      }
    }
  }

  /** A value of another kind than {@code was}. */
  static JsonNode swap(JsonNode was, SplittableRandom r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    for (int attempt = 0; attempt < 4; attempt++) {
      JsonNode v =
          switch (r.nextInt(12)) {
            case 0 -> f.textNode(was == null ? "" : was.toString());
            case 1 -> f.numberNode(r.nextBoolean() ? -1 : Integer.MAX_VALUE);
            case 2 -> f.numberNode(new BigInteger("123456789012345678901234567890"));
            case 3 -> f.numberNode(r.nextBoolean() ? Double.NaN : 1e308);
            case 4 -> f.booleanNode(r.nextBoolean());
            case 5 -> f.nullNode();
            case 6 -> f.objectNode().put("a", 1);
            case 7 -> f.arrayNode().add("x").add(2);
            case 8 -> f.binaryNode(new byte[] {0, -1, 2});
            case 9 -> f.textNode("x".repeat(r.nextBoolean() ? 300 : 1_100_000));
            case 10 -> f.textNode("\u0000\uFFFF\uD800" + "%zz");
            default -> f.textNode(Long.toString(r.nextLong()));
          };
      if (was == null || v.getNodeType() != was.getNodeType()) {
        return v;
      }
    }
    return JsonNodeFactory.instance.nullNode();
  }

  private static JsonNode nest(JsonNode inner, int depth) {
    JsonNode n = inner;
    for (int i = 0; i < depth; i++) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      a.add(n);
      n = a;
    }
    return n;
  }
}
