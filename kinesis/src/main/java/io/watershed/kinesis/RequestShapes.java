package io.watershed.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The input members of every operation served, with the types and constraints of the Kinesis API
 * model (Kinesis_20131202), and the two checks Kinesis makes on a request before it looks anything
 * up, in its order:
 *
 * <ol>
 *   <li>types: a member of the wrong JSON or CBOR type is a SerializationException with Kinesis's
 *       own text (which names the Java types of its service framework, as AWS answers it); numbers
 *       for integers are truncated; base64 blobs are checked as Kinesis checks them;
 *   <li>constraints: every violated one — a missing required member, a length, a pattern, a range,
 *       an enum — is listed in one ValidationException, {@code N validation errors detected: Value
 *       'x' at 'streamName' failed to satisfy constraint: ...; Value ...}, at most ten, members in
 *       the model's order.
 * </ol>
 *
 * <p>Members that are not in the model are ignored, as Kinesis ignores them. What needs a lookup
 * (the stream exists, the shard is open) or relates members to each other is left to the handlers.
 */
final class RequestShapes {
  /** Kinesis lists at most this many violated constraints in one ValidationException. */
  static final int MAX_LISTED_VIOLATIONS = 10;

  private RequestShapes() {}

  /** A member's type and constraints. */
  sealed interface Shape permits Str, Int, Bool, Blob, Time, ListOf, MapOf, Struct {}

  /**
   * A string.
   *
   * @param min least length, or -1
   * @param max greatest length, or -1
   * @param pattern the pattern the whole string must match, or null
   * @param values the allowed values, or empty for any
   */
  record Str(int min, int max, String pattern, List<String> values) implements Shape {
    Pattern compiled() {
      return pattern == null ? null : PATTERNS.computeIfAbsent(pattern, Pattern::compile);
    }
  }

  /** An integer (a Java {@code Integer} at Kinesis) within {@code min} and {@code max}. */
  record Int(long min, long max) implements Shape {}

  record Bool() implements Shape {}

  /** Bytes: base64 in JSON, a byte string in CBOR; lengths are of the decoded bytes. */
  record Blob(int min, int max) implements Shape {}

  /** Epoch seconds in JSON, milliseconds in CBOR. */
  record Time() implements Shape {}

  /**
   * A list.
   *
   * @param memberText how Kinesis shows a structure member in a message (its Java object), or null
   *     to show the members themselves
   */
  record ListOf(Shape member, int min, int max, String memberText) implements Shape {}

  record MapOf(Str key, Str value, int min, int max) implements Shape {}

  record Member(String name, Shape shape, boolean required) {}

  record Struct(List<Member> members) implements Shape {}

  private static final Map<String, Pattern> PATTERNS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static Str str(int min, int max, String pattern) {
    return new Str(min, max, pattern, List.of());
  }

  private static Str oneOf(String... values) {
    return new Str(-1, -1, null, List.of(values));
  }

  private static Member required(String name, Shape shape) {
    return new Member(name, shape, true);
  }

  private static Member optional(String name, Shape shape) {
    return new Member(name, shape, false);
  }

  private static Struct struct(Member... members) {
    return new Struct(List.of(members));
  }

  // ---- the shapes of the model --------------------------------------------------------------

  static final Str STREAM_NAME = str(1, 128, "[a-zA-Z0-9_.-]+");
  static final Str STREAM_ARN = str(1, 2048, "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
  static final Str STREAM_ID = str(1, 24, "[a-z0-9]{20}-[a-z0-9]{3}");
  static final Str SHARD_ID = str(1, 128, "[a-zA-Z0-9_.-]+");
  static final Str CONSUMER_NAME = str(1, 128, "[a-zA-Z0-9_.-]+");
  static final Str CONSUMER_ARN =
      str(
          1,
          2048,
          "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/"
              + "[a-zA-Z0-9_.-]+:[0-9]+");
  static final Str RESOURCE_ARN = str(1, 2048, "arn:aws.*:kinesis:.*:\\d{12}:.*stream/\\S+");
  static final Str SEQUENCE_NUMBER = str(-1, -1, "0|([1-9]\\d{0,128})");
  static final Str HASH_KEY = str(-1, -1, "0|([1-9]\\d{0,38})");
  static final Str PARTITION_KEY = str(1, 256, null);
  static final Str NEXT_TOKEN = str(1, 1_048_576, null);
  static final Str SHARD_ITERATOR = str(1, 512, null);
  static final Str TAG_KEY = str(1, 128, null);
  static final Str TAG_VALUE = str(0, 256, null);
  static final Str KEY_ID = str(1, 2048, null);
  static final Str POLICY = str(-1, -1, null);

  /** The iterator types, in the order Kinesis lists them in its message. */
  static final Str SHARD_ITERATOR_TYPE =
      oneOf(
          "AFTER_SEQUENCE_NUMBER", "LATEST", "AT_TIMESTAMP", "AT_SEQUENCE_NUMBER", "TRIM_HORIZON");

  static final Str SHARD_FILTER_TYPE =
      oneOf(
          "AFTER_SHARD_ID",
          "AT_TRIM_HORIZON",
          "FROM_TRIM_HORIZON",
          "AT_LATEST",
          "AT_TIMESTAMP",
          "FROM_TIMESTAMP");
  static final Str ENCRYPTION_TYPE = oneOf("NONE", "KMS");
  static final Str SCALING_TYPE = oneOf("UNIFORM_SCALING");
  static final Str STREAM_MODE = oneOf("PROVISIONED", "ON_DEMAND");
  static final Str METRICS_NAME =
      oneOf(
          "IncomingBytes",
          "IncomingRecords",
          "OutgoingBytes",
          "OutgoingRecords",
          "WriteProvisionedThroughputExceeded",
          "ReadProvisionedThroughputExceeded",
          "IteratorAgeMilliseconds",
          "ALL");

  static final Blob DATA = new Blob(0, 10 * 1024 * 1024);
  static final Int POSITIVE = new Int(1, Integer.MAX_VALUE);
  static final Int NATURAL = new Int(0, Integer.MAX_VALUE);
  static final Int ANY_INT = new Int(Integer.MIN_VALUE, Integer.MAX_VALUE);
  static final Int LIMIT_10000 = new Int(1, 10_000);
  static final Time TIMESTAMP = new Time();
  static final Bool BOOLEAN = new Bool();

  static final MapOf TAG_MAP = new MapOf(TAG_KEY, TAG_VALUE, 1, 200);
  static final ListOf TAG_KEY_LIST = new ListOf(TAG_KEY, 1, 50, null);
  static final ListOf METRICS_NAME_LIST = new ListOf(METRICS_NAME, 1, 7, null);
  static final Struct STREAM_MODE_DETAILS = struct(required("StreamMode", STREAM_MODE));
  static final Struct SHARD_FILTER =
      struct(
          required("Type", SHARD_FILTER_TYPE),
          optional("ShardId", SHARD_ID),
          optional("Timestamp", TIMESTAMP));
  static final Struct STARTING_POSITION =
      struct(
          required("Type", SHARD_ITERATOR_TYPE),
          optional("SequenceNumber", SEQUENCE_NUMBER),
          optional("Timestamp", TIMESTAMP));
  static final Struct PUT_RECORDS_ENTRY =
      struct(
          required("Data", DATA),
          optional("ExplicitHashKey", HASH_KEY),
          required("PartitionKey", PARTITION_KEY));

  /** How Kinesis shows a PutRecords entry in a message: the Java object of its service. */
  static final String PUT_RECORDS_ENTRY_TEXT =
      "com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310";

  static final ListOf PUT_RECORDS_ENTRIES =
      new ListOf(PUT_RECORDS_ENTRY, 1, 500, PUT_RECORDS_ENTRY_TEXT);

  private static final Member STREAM_NAME_MEMBER = optional("StreamName", STREAM_NAME);
  private static final Member STREAM_ARN_MEMBER = optional("StreamARN", STREAM_ARN);
  private static final Member STREAM_ID_MEMBER = optional("StreamId", STREAM_ID);

  /**
   * An operation on a stream named by StreamName or StreamARN, with {@code own} members between.
   */
  private static Struct onStream(Member... own) {
    List<Member> m = new ArrayList<>();
    m.add(STREAM_NAME_MEMBER);
    m.addAll(List.of(own));
    m.add(STREAM_ARN_MEMBER);
    m.add(STREAM_ID_MEMBER);
    return new Struct(List.copyOf(m));
  }

  private static final Struct CONSUMER_INPUT =
      struct(
          optional("StreamARN", STREAM_ARN),
          optional("ConsumerName", CONSUMER_NAME),
          optional("ConsumerARN", CONSUMER_ARN),
          STREAM_ID_MEMBER);

  private static final Struct ENCRYPTION_INPUT =
      onStream(required("EncryptionType", ENCRYPTION_TYPE), required("KeyId", KEY_ID));

  private static final Map<String, Struct> INPUTS = new HashMap<>();

  static {
    INPUTS.put("AddTagsToStream", onStream(required("Tags", TAG_MAP)));
    INPUTS.put(
        "CreateStream",
        struct(
            required("StreamName", STREAM_NAME),
            optional("ShardCount", POSITIVE),
            optional("StreamModeDetails", STREAM_MODE_DETAILS),
            optional("Tags", TAG_MAP),
            optional("WarmThroughputMiBps", NATURAL),
            optional("MaxRecordSizeInKiB", new Int(1024, 10240))));
    INPUTS.put(
        "DecreaseStreamRetentionPeriod", onStream(required("RetentionPeriodHours", ANY_INT)));
    INPUTS.put(
        "IncreaseStreamRetentionPeriod", onStream(required("RetentionPeriodHours", ANY_INT)));
    INPUTS.put("DeleteStream", onStream(optional("EnforceConsumerDeletion", BOOLEAN)));
    INPUTS.put("DeregisterStreamConsumer", CONSUMER_INPUT);
    INPUTS.put("DescribeStreamConsumer", CONSUMER_INPUT);
    INPUTS.put("DescribeLimits", struct());
    INPUTS.put(
        "DescribeStream",
        onStream(optional("Limit", LIMIT_10000), optional("ExclusiveStartShardId", SHARD_ID)));
    INPUTS.put("DescribeStreamSummary", onStream());
    INPUTS.put(
        "DisableEnhancedMonitoring", onStream(required("ShardLevelMetrics", METRICS_NAME_LIST)));
    INPUTS.put(
        "EnableEnhancedMonitoring", onStream(required("ShardLevelMetrics", METRICS_NAME_LIST)));
    INPUTS.put(
        "GetRecords",
        struct(
            required("ShardIterator", SHARD_ITERATOR),
            optional("Limit", LIMIT_10000),
            STREAM_ARN_MEMBER,
            STREAM_ID_MEMBER));
    INPUTS.put(
        "GetShardIterator",
        onStream(
            required("ShardId", SHARD_ID),
            required("ShardIteratorType", SHARD_ITERATOR_TYPE),
            optional("StartingSequenceNumber", SEQUENCE_NUMBER),
            optional("Timestamp", TIMESTAMP)));
    INPUTS.put(
        "ListShards",
        onStream(
            optional("NextToken", NEXT_TOKEN),
            optional("ExclusiveStartShardId", SHARD_ID),
            optional("MaxResults", LIMIT_10000),
            optional("StreamCreationTimestamp", TIMESTAMP),
            optional("ShardFilter", SHARD_FILTER)));
    INPUTS.put(
        "ListStreamConsumers",
        struct(
            required("StreamARN", STREAM_ARN),
            optional("NextToken", NEXT_TOKEN),
            optional("MaxResults", LIMIT_10000),
            optional("StreamCreationTimestamp", TIMESTAMP),
            STREAM_ID_MEMBER));
    INPUTS.put(
        "ListStreams",
        struct(
            optional("Limit", LIMIT_10000),
            optional("ExclusiveStartStreamName", STREAM_NAME),
            optional("NextToken", NEXT_TOKEN)));
    INPUTS.put(
        "ListTagsForResource", struct(required("ResourceARN", RESOURCE_ARN), STREAM_ID_MEMBER));
    INPUTS.put(
        "ListTagsForStream",
        onStream(optional("ExclusiveStartTagKey", TAG_KEY), optional("Limit", new Int(1, 50))));
    INPUTS.put(
        "MergeShards",
        onStream(required("ShardToMerge", SHARD_ID), required("AdjacentShardToMerge", SHARD_ID)));
    INPUTS.put(
        "PutRecord",
        onStream(
            required("Data", DATA),
            required("PartitionKey", PARTITION_KEY),
            optional("ExplicitHashKey", HASH_KEY),
            optional("SequenceNumberForOrdering", SEQUENCE_NUMBER)));
    INPUTS.put(
        "PutRecords",
        struct(
            required("Records", PUT_RECORDS_ENTRIES),
            STREAM_NAME_MEMBER,
            STREAM_ARN_MEMBER,
            STREAM_ID_MEMBER));
    INPUTS.put(
        "RegisterStreamConsumer",
        struct(
            required("StreamARN", STREAM_ARN),
            required("ConsumerName", CONSUMER_NAME),
            STREAM_ID_MEMBER,
            optional("Tags", TAG_MAP)));
    INPUTS.put("RemoveTagsFromStream", onStream(required("TagKeys", TAG_KEY_LIST)));
    INPUTS.put(
        "SplitShard",
        onStream(required("ShardToSplit", SHARD_ID), required("NewStartingHashKey", HASH_KEY)));
    INPUTS.put("StartStreamEncryption", ENCRYPTION_INPUT);
    INPUTS.put("StopStreamEncryption", ENCRYPTION_INPUT);
    INPUTS.put(
        "SubscribeToShard",
        struct(
            required("ConsumerARN", CONSUMER_ARN),
            STREAM_ID_MEMBER,
            required("ShardId", SHARD_ID),
            required("StartingPosition", STARTING_POSITION)));
    INPUTS.put(
        "TagResource",
        struct(required("Tags", TAG_MAP), required("ResourceARN", RESOURCE_ARN), STREAM_ID_MEMBER));
    INPUTS.put(
        "UntagResource",
        struct(
            required("TagKeys", TAG_KEY_LIST),
            required("ResourceARN", RESOURCE_ARN),
            STREAM_ID_MEMBER));
    INPUTS.put(
        "UpdateShardCount",
        onStream(required("TargetShardCount", POSITIVE), required("ScalingType", SCALING_TYPE)));
  }

  /** The input of {@code operation}, or null when it is not one served here. */
  static Struct input(String operation) {
    return INPUTS.get(operation);
  }

  /**
   * Checks a request body against its operation's input: types first, then every constraint.
   * Integers given as fractions are truncated and base64 blobs decoded, in place, so that the
   * handlers read checked values.
   *
   * @throws KinesisException SerializationException for the first member of a wrong type, then
   *     ValidationException listing the violated constraints
   */
  static void check(ObjectNode body, Struct input, BodyEncoding encoding) {
    checkTypes(body, input, encoding);
    List<String> violations = new ArrayList<>();
    validate(body, input, "", violations);
    if (!violations.isEmpty()) {
      throw KinesisException.validation(
          violations.size()
              + (violations.size() == 1 ? " validation error" : " validation errors")
              + " detected: "
              + String.join("; ", violations));
    }
  }

  // ---- types ----------------------------------------------------------------------------------

  private static final String TRUNCATING_NUMBER =
      "class com.amazon.coral.value.json.numbers.TruncatingBigNumber";
  private static final String LIST_FOUND = "Start of list found where not expected";
  private static final String STRUCTURE_FOUND =
      "Start of structure or map found where not expected.";

  private static KinesisException typeError(String message) {
    return KinesisException.serialization(message);
  }

  private static void checkTypes(ObjectNode object, Struct shape, BodyEncoding encoding) {
    for (Member m : shape.members()) {
      JsonNode value = object.get(m.name());
      if (value == null || value.isNull()) {
        continue;
      }
      JsonNode checked = checkType(value, m.shape(), encoding);
      if (checked != value) {
        object.set(m.name(), checked);
      }
    }
  }

  /** The value, or its normalised form (a truncated integer, decoded bytes). */
  private static JsonNode checkType(JsonNode value, Shape shape, BodyEncoding encoding) {
    switch (shape) {
      case Str s -> {
        if (value.isTextual()) {
          return value;
        }
        throw typeError(notConverted(value, "an String"));
      }
      case Int i -> {
        if (value.isNumber()) {
          if (value.isIntegralNumber() && value.canConvertToInt()) {
            return value;
          }
          BigDecimal d = value.decimalValue().setScale(0, RoundingMode.FLOOR);
          long clamped =
              d.max(BigDecimal.valueOf(Integer.MIN_VALUE))
                  .min(BigDecimal.valueOf(Integer.MAX_VALUE))
                  .longValue();
          return IntNode.valueOf((int) clamped);
        }
        throw typeError(notConverted(value, "an Integer"));
      }
      case Bool b -> {
        if (value.isBoolean()) {
          return value;
        }
        if (value.isFloatingPointNumber()) {
          // Kinesis takes fractions for booleans (integers it refuses).
          return BooleanNode.valueOf(value.doubleValue() != 0);
        }
        if (value.isTextual()) {
          String t = value.textValue().toUpperCase(Locale.ROOT);
          if (t.equals("TRUE") || t.equals("FALSE")) {
            return BooleanNode.valueOf(t.equals("TRUE"));
          }
          throw typeError("'" + t + "' can not be converted to an Boolean");
        }
        throw typeError(notConverted(value, "an Boolean"));
      }
      case Blob b -> {
        if (value.isBinary()) {
          return value;
        }
        if (value.isTextual()) {
          return BinaryNode.valueOf(base64(value.textValue()));
        }
        throw typeError(notConverted(value, "a Blob"));
      }
      case Time t -> {
        if (value.isNumber()) {
          return value;
        }
        throw typeError(notConverted(value, "milliseconds since epoch"));
      }
      case ListOf l -> {
        if (value.isArray()) {
          for (int k = 0; k < value.size(); k++) {
            JsonNode item = value.get(k);
            if (item != null && !item.isNull()) {
              JsonNode checked = checkType(item, l.member(), encoding);
              if (checked != item) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) value).set(k, checked);
              }
            }
          }
          return value;
        }
        throw typeError(value.isObject() ? STRUCTURE_FOUND : "Expected list or null");
      }
      case MapOf m -> {
        if (value.isObject()) {
          for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isNull()) {
              checkType(e.getValue(), m.value(), encoding);
            }
          }
          return value;
        }
        throw typeError(value.isArray() ? LIST_FOUND : "Expected map or null");
      }
      case Struct s -> {
        if (value.isObject()) {
          checkTypes((ObjectNode) value, s, encoding);
          return value;
        }
        throw typeError(value.isArray() ? LIST_FOUND : "Expected null");
      }
    }
  }

  /** Kinesis's text for a value of the wrong type where {@code target} was expected. */
  private static String notConverted(JsonNode value, String target) {
    if (value.isArray()) {
      return LIST_FOUND;
    }
    if (value.isObject() || value.isBinary()) {
      return STRUCTURE_FOUND;
    }
    String from =
        value.isBoolean()
            ? "class java.lang.Boolean"
            : value.isTextual() ? "class java.lang.String" : TRUNCATING_NUMBER;
    return from + " can not be converted to " + target;
  }

  /**
   * Decodes base64 as Kinesis does: the standard alphabet, length a multiple of four, padding only
   * at the end, and no bits set past the last byte.
   */
  static byte[] base64(String text) {
    String refused = "'" + text + "' can not be converted to a Blob: ";
    if (text.length() % 4 != 0) {
      throw typeError(
          refused
              + "Base64 encoded length is expected a multiple of 4 bytes but found: "
              + text.length());
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw typeError(refused + "Invalid Base64 character: '" + invalidBase64Char(text) + "'");
    }
    int pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
    if (pad > 0) {
      // The last character before the padding carries 4 (==) or 2 (=) unused bits.
      int last = base64Value(text.charAt(text.length() - pad - 1));
      if ((last & (pad == 2 ? 0x0f : 0x03)) != 0) {
        throw typeError(refused + "Invalid last non-pad Base64 character dectected");
      }
    }
    return bytes;
  }

  /** The first character Kinesis refuses: outside the alphabet, or '=' before the end. */
  private static char invalidBase64Char(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '=') {
        if (i + 1 < text.length() && text.charAt(i + 1) != '=') {
          return c;
        }
      } else if (base64Value(c) < 0) {
        return c;
      }
    }
    return '=';
  }

  private static int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  }

  // ---- constraints ----------------------------------------------------------------------------

  private static void validate(JsonNode object, Struct shape, String prefix, List<String> out) {
    for (Member m : shape.members()) {
      if (out.size() >= MAX_LISTED_VIOLATIONS) {
        return;
      }
      JsonNode value = object.get(m.name());
      String path = prefix + KinesisRequest.lowerFirst(m.name());
      if (value == null || value.isNull()) {
        if (m.required()) {
          out.add(
              "Value null at '" + path + "' failed to satisfy constraint: Member must not be null");
        }
        continue;
      }
      validate(value, m.shape(), path, out);
    }
  }

  private static void validate(JsonNode value, Shape shape, String path, List<String> out) {
    switch (shape) {
      case Str s -> {
        String text = value.textValue();
        for (String c : stringViolations(text, s)) {
          violation(out, "'" + text + "'", path, c);
        }
      }
      case Int i -> {
        long v = value.longValue();
        if (v < i.min()) {
          violation(
              out,
              "'" + v + "'",
              path,
              "Member must have value greater than or equal to " + i.min());
        }
        if (v > i.max()) {
          violation(
              out, "'" + v + "'", path, "Member must have value less than or equal to " + i.max());
        }
      }
      case Blob b -> {
        int length = blobLength(value);
        String shown = "'java.nio.HeapByteBuffer[pos=0 lim=" + length + " cap=" + length + "]'";
        if (length < b.min()) {
          violation(
              out, shown, path, "Member must have length greater than or equal to " + b.min());
        }
        if (length > b.max()) {
          violation(out, shown, path, "Member must have length less than or equal to " + b.max());
        }
      }
      case Bool b -> {}
      case Time t -> {}
      case ListOf l -> validateList(value, l, path, out);
      case MapOf m -> validateMap(value, m, path, out);
      case Struct s -> validate(value, s, path + ".", out);
    }
  }

  private static void validateList(JsonNode list, ListOf l, String path, List<String> out) {
    List<String> shownItems = new ArrayList<>();
    for (JsonNode item : list) {
      shownItems.add(l.memberText() != null ? l.memberText() : item.asText());
    }
    String shown = "'[" + String.join(", ", shownItems) + "]'";
    if (list.size() < l.min()) {
      violation(out, shown, path, "Member must have length greater than or equal to " + l.min());
    }
    if (list.size() > l.max()) {
      violation(out, shown, path, "Member must have length less than or equal to " + l.max());
    }
    if (l.member() instanceof Str s) {
      // Kinesis reports the members' constraints once, for the whole list.
      for (JsonNode item : list) {
        if (item.isNull() || !stringViolations(item.textValue(), s).isEmpty()) {
          violation(out, shown, path, "Member must satisfy constraint: [" + describe(s) + "]");
          break;
        }
      }
      return;
    }
    int index = 1;
    for (JsonNode item : list) {
      String at = path + "." + index++ + ".member";
      if (item.isNull()) {
        violation(out, "null", at, "Member must not be null");
      } else if (l.member() instanceof Struct s) {
        validate(item, s, at + ".", out);
      } else {
        validate(item, l.member(), at, out);
      }
    }
  }

  private static void validateMap(JsonNode map, MapOf m, String path, List<String> out) {
    List<String> pairs = new ArrayList<>();
    boolean badKey = false;
    boolean badValue = false;
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      String v = e.getValue().isNull() ? "null" : e.getValue().textValue();
      pairs.add(e.getKey() + "=" + v);
      badKey |= !stringViolations(e.getKey(), m.key()).isEmpty();
      badValue |= e.getValue().isNull() || !stringViolations(v, m.value()).isEmpty();
    }
    String shown = "'{" + String.join(", ", pairs) + "}'";
    if (map.size() < m.min()) {
      violation(out, shown, path, "Member must have length greater than or equal to " + m.min());
    }
    if (map.size() > m.max()) {
      violation(out, shown, path, "Member must have length less than or equal to " + m.max());
    }
    if (badKey) {
      violation(out, shown, path, "Map keys must satisfy constraint: [" + describe(m.key()) + "]");
    }
    if (badValue) {
      violation(
          out, shown, path, "Map value must satisfy constraint: [" + describe(m.value()) + "]");
    }
  }

  /** The constraints {@code text} violates, as Kinesis words them, in its order. */
  private static List<String> stringViolations(String text, Str s) {
    List<String> out = new ArrayList<>(1);
    Pattern p = s.compiled();
    if (p != null && !p.matcher(text).matches()) {
      out.add("Member must satisfy regular expression pattern: " + s.pattern());
    }
    int length = text.codePointCount(0, text.length());
    if (s.min() >= 0 && length < s.min()) {
      out.add("Member must have length greater than or equal to " + s.min());
    }
    if (s.max() >= 0 && length > s.max()) {
      out.add("Member must have length less than or equal to " + s.max());
    }
    if (!s.values().isEmpty() && !s.values().contains(text)) {
      out.add("Member must satisfy enum value set: [" + String.join(", ", s.values()) + "]");
    }
    return out;
  }

  /** A string shape's constraints, for the messages about list and map members. */
  private static String describe(Str s) {
    List<String> parts = new ArrayList<>();
    if (s.max() >= 0) {
      parts.add("Member must have length less than or equal to " + s.max());
    }
    if (s.min() >= 0) {
      parts.add("Member must have length greater than or equal to " + s.min());
    }
    if (s.pattern() != null) {
      parts.add("Member must satisfy regular expression pattern: " + s.pattern());
    }
    if (!s.values().isEmpty()) {
      parts.add("Member must satisfy enum value set: [" + String.join(", ", s.values()) + "]");
    }
    return String.join(", ", parts);
  }

  private static int blobLength(JsonNode value) {
    try {
      return value.binaryValue().length;
    } catch (java.io.IOException e) {
      throw typeError("Invalid blob");
    }
  }

  private static void violation(List<String> out, String shown, String path, String constraint) {
    if (out.size() < MAX_LISTED_VIOLATIONS) {
      out.add("Value " + shown + " at '" + path + "' failed to satisfy constraint: " + constraint);
    }
  }
}
