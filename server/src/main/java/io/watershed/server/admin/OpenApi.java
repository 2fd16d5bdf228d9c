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

/**
 * The OpenAPI 3 document of the admin API, kept as YAML next to this class and served as written
 * ({@code /api/v1/openapi.yaml}) and as JSON ({@code /api/v1/openapi.json}).
 */
public final class OpenApi {
  static final String RESOURCE = "openapi.yaml";

  private final byte[] yaml;
  private final byte[] json;

  public OpenApi() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      yaml = in.readAllBytes();
      JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(yaml);
      json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void register(Router routes) {
    routes.get(
        "/api/v1/openapi.json",
        r ->
            CompletableFuture.completedFuture(
                new Response(HttpResponseStatus.OK, "application/json", json, Map.of())));
    routes.get(
        "/api/v1/openapi.yaml",
        r ->
            CompletableFuture.completedFuture(
                new Response(HttpResponseStatus.OK, "application/yaml", yaml, Map.of())));
  }
}
