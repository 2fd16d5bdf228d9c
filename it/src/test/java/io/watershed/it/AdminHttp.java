package io.watershed.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The admin API over HTTP for tests: status and parsed JSON of each answer. */
final class AdminHttp {
  static final ObjectMapper JSON = new ObjectMapper();

  record Answer(int status, JsonNode json, String body, HttpResponse<String> response) {}

  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  AdminHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  Answer get(String path) throws Exception {
    return send("GET", path, null);
  }

  Answer post(String path, Object body) throws Exception {
    return send("POST", path, body instanceof String s ? s : JSON.writeValueAsString(body));
  }

  Answer patch(String path, Object body) throws Exception {
    return send("PATCH", path, JSON.writeValueAsString(body));
  }

  Answer delete(String path) throws Exception {
    return send("DELETE", path, null);
  }

  Answer send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      json = null;
    }
    return new Answer(r.statusCode(), json, r.body(), r);
  }
}
