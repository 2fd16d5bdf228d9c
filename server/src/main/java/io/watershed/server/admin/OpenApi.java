package io.watershed.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.watershed.server.http.Response;
import io.watershed.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The OpenAPI 3 document of the admin API, kept as YAML next to this class and served as written
 * ({@code /api/v1/openapi.yaml}) and as JSON ({@code /api/v1/openapi.json}).
 */
public final class OpenApi {
  static final String RESOURCE = "openapi.yaml";

  private final byte[] yaml;
  private byte[] json;

  public OpenApi() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      yaml = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The document as JSON, converted at the first request rather than at start-up: the YAML parser
   * and the conversion took 1 to 2 s of a cold start on a busy machine, for a document few ask for.
   */
  synchronized byte[] json() {
    if (json == null) {
      try {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot convert " + RESOURCE + " to JSON", e);
      }
    }
    return json;
  }

  /**
   * @param executor where the JSON is made (blocking work: not an event loop)
   */
  void register(Router routes, Executor executor) {
    routes.get(
        "/api/v1/openapi.json",
        r ->
            CompletableFuture.supplyAsync(
                () -> new Response(HttpResponseStatus.OK, "application/json", json(), Map.of()),
                executor));
    routes.get(
        "/api/v1/openapi.yaml",
        r ->
            CompletableFuture.completedFuture(
                new Response(HttpResponseStatus.OK, "application/yaml", yaml, Map.of())));
  }
}
