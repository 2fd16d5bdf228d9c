package io.watershed.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Executor;

/**
 * One decoded request: the operation named by {@code X-Amz-Target}, its body as a tree, the
 * encoding to answer in, and where to finish work that completes elsewhere. The accessors check
 * member types and throw the errors Kinesis gives.
 *
 * @param operation the operation, e.g. {@code PutRecord}
 * @param body the request members
 * @param encoding the request's encoding, which the response uses too
 * @param replies the connection's event loop: a handler whose future completes on a thread of the
 *     log (the flusher, after an fsync) builds its response there instead, so that the log's
 *     threads only hand results over
 */
public record KinesisRequest(
    String operation, JsonNode body, BodyEncoding encoding, Executor replies) {

  /** A request (or part of one) whose follow-up work runs where its futures complete. */
  public KinesisRequest(String operation, JsonNode body, BodyEncoding encoding) {
    this(operation, body, encoding, Runnable::run);
  }

  /** A new empty response object. */
  public ObjectNode newObject() {
    return encoding.mapper().createObjectNode();
  }

  /** The member, or null when absent or null. */
  public JsonNode member(String field) {
    return member(body, field);
  }

  public static JsonNode member(JsonNode parent, String field) {
    JsonNode n = parent.get(field);
    return n == null || n.isNull() ? null : n;
  }

  /** A string member, or null when absent. */
  public String string(String field) {
    return string(body, field);
  }

  public static String string(JsonNode parent, String field) {
    JsonNode n = member(parent, field);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      throw KinesisException.serialization("Expected a string for " + field);
    }
    return n.textValue();
  }

  /** A string member that must be present. */
  public String requireString(String field) {
    String s = string(field);
    if (s == null) {
      throw missing(field);
    }
    return s;
  }

  /** An integer member, or null when absent. */
  public Integer integer(String field) {
    JsonNode n = member(field);
    if (n == null) {
      return null;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw KinesisException.serialization("Expected an integer for " + field);
    }
    return n.intValue();
  }

  /** An integer member that must be present. */
  public int requireInteger(String field) {
    Integer i = integer(field);
    if (i == null) {
      throw missing(field);
    }
    return i;
  }

  /** A boolean member, false when absent. */
  public boolean flag(String field) {
    JsonNode n = member(field);
    if (n == null) {
      return false;
    }
    if (!n.isBoolean()) {
      throw KinesisException.serialization("Expected a boolean for " + field);
    }
    return n.booleanValue();
  }

  /** A timestamp member in epoch milliseconds, or null when absent. */
  public Long timestampMillis(String field) {
    JsonNode n = member(field);
    return n == null ? null : encoding.timestampMillis(n, field);
  }

  /** An integer member checked against a range (Kinesis: ValidationException outside it). */
  public int intInRange(String field, int min, int max, int absent) {
    Integer i = integer(field);
    if (i == null) {
      return absent;
    }
    if (i < min || i > max) {
      throw KinesisException.validation(
          "1 validation error detected: Value '"
              + i
              + "' at '"
              + lowerFirst(field)
              + "' failed to satisfy constraint: Member must have value "
              + (i < min ? "greater than or equal to " + min : "less than or equal to " + max));
    }
    return i;
  }

  public static KinesisException missing(String field) {
    return KinesisException.validation(
        "1 validation error detected: Value null at '"
            + lowerFirst(field)
            + "' failed to satisfy constraint: Member must not be null");
  }

  static String lowerFirst(String s) {
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
