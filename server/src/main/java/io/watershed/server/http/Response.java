package io.watershed.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP response: status, content type, body and extra headers. */
public record Response(
    HttpResponseStatus status, String contentType, byte[] body, Map<String, String> headers) {

  static final ObjectMapper JSON = new ObjectMapper();

  public Response {
    headers = Map.copyOf(headers);
  }

  /** {@code value} serialized with Jackson as {@code application/json}. */
  public static Response json(HttpResponseStatus status, Object value) {
    try {
      return new Response(status, "application/json", JSON.writeValueAsBytes(value), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize " + value.getClass(), e);
    }
  }

  /** {@code {"error":"Not Found","message":"..."}} with the given status. */
  public static Response error(HttpResponseStatus status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", status.reasonPhrase());
    body.put("message", message);
    return json(status, body);
  }

  /**
   * Serializes a health-shaped body once so that Jackson's start-up cost (~0.1 s) is not paid by
   * the first request. Meant for a background thread.
   */
  static void warmUp() {
    Map<String, Object> check = new LinkedHashMap<>();
    check.put("writable", true);
    check.put("path", "/");
    json(HttpResponseStatus.OK, Map.of("status", "UP", "checks", Map.of("dataDir", check)));
    error(HttpResponseStatus.NOT_FOUND, "warm-up");
  }

  public Response withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new Response(status, contentType, body, copy);
  }
}
