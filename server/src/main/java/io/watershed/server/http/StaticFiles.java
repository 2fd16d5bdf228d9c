package io.watershed.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves files packaged in the jar under a class-path folder (the web console), read once and kept
 * in memory: they are small and never change while the server runs. Only names of letters, digits,
 * {@code - _ .} and {@code /} are looked up, so nothing outside the folder is reachable.
 */
public final class StaticFiles implements HttpHandler {
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "json", "application/json",
          "ico", "image/x-icon");

  private final String root;
  private final String index;
  private final Map<String, Response> cache = new ConcurrentHashMap<>();

  /**
   * @param root the class-path folder, e.g. {@code io/watershed/server/console}
   * @param index the file served for an empty path
   */
  public StaticFiles(String root, String index) {
    this.root = root;
    this.index = index;
  }

  /** Serves {@code path} (the {@code {file*}} parameter, or the index when empty). */
  @Override
  public CompletionStage<Response> handle(Request request) {
    String file = request.pathParams().getOrDefault("file", "");
    if (file.isEmpty()) {
      file = index;
    }
    return CompletableFuture.completedFuture(lookup(file));
  }

  private Response lookup(String file) {
    if (!file.matches("[A-Za-z0-9_./-]+") || file.contains("..")) {
      return Response.error(HttpResponseStatus.NOT_FOUND, "no such file: " + file);
    }
    Response cached = cache.get(file);
    if (cached != null) {
      return cached;
    }
    Response loaded = load(file);
    if (loaded.status().equals(HttpResponseStatus.OK)) {
      cache.put(file, loaded);
    }
    return loaded;
  }

  private Response load(String file) {
    try (InputStream in =
        StaticFiles.class.getClassLoader().getResourceAsStream(root + "/" + file)) {
      if (in == null) {
        return Response.error(HttpResponseStatus.NOT_FOUND, "no such file: " + file);
      }
      String ext = file.substring(file.lastIndexOf('.') + 1);
      return new Response(
          HttpResponseStatus.OK,
          TYPES.getOrDefault(ext, "application/octet-stream"),
          in.readAllBytes(),
          Map.of("X-Content-Type-Options", "nosniff"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
