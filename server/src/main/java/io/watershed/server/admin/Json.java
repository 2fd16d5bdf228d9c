package io.watershed.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.server.http.Request;
import java.io.IOException;

/** Reading JSON request bodies: anything that is not what the API expects is a 400. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** The body as a JSON object; an empty body is an empty object. */
  static ObjectNode object(Request request) {
    if (request.body().length == 0) {
      return MAPPER.createObjectNode();
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(request.body());
    } catch (IOException e) {
      throw ApiException.badRequest("the body is not JSON: " + firstLine(e));
    }
    if (!(node instanceof ObjectNode o)) {
      throw ApiException.badRequest("the body must be a JSON object");
    }
    return o;
  }

  /** A text field; null when absent and not required. */
  static String text(JsonNode body, String field, boolean required) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw ApiException.badRequest("'" + field + "' is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest("'" + field + "' must be a string");
    }
    return v.asText();
  }

  /** An integer field within bounds, or {@code fallback} when absent. */
  static long integer(JsonNode body, String field, long fallback, long min, long max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw ApiException.badRequest("'" + field + "' must be an integer");
    }
    long n = v.asLong();
    if (n < min || n > max) {
      throw ApiException.badRequest("'" + field + "' must be between " + min + " and " + max);
    }
    return n;
  }

  static boolean bool(JsonNode body, String field, boolean fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw ApiException.badRequest("'" + field + "' must be true or false");
    }
    return v.asBoolean();
  }

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static String firstLine(IOException e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
