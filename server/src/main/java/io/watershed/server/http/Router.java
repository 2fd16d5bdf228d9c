package io.watershed.server.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The route table: exact path → method → handler. Unknown paths get 404, known paths with another
 * method 405 (with {@code Allow}); {@code HEAD} is served by the {@code GET} handler.
 */
public final class Router {
  private final Map<String, Map<HttpMethod, HttpHandler>> routes = new ConcurrentHashMap<>();

  public Router get(String path, HttpHandler handler) {
    return add(HttpMethod.GET, path, handler);
  }

  public Router post(String path, HttpHandler handler) {
    return add(HttpMethod.POST, path, handler);
  }

  public Router add(HttpMethod method, String path, HttpHandler handler) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    HttpHandler previous =
        routes.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).putIfAbsent(method, handler);
    if (previous != null) {
      throw new IllegalArgumentException("route already defined: " + method + " " + path);
    }
    return this;
  }

  /** Finds the handler of {@code request} and calls it, or answers 404 / 405. */
  CompletionStage<Response> dispatch(Request request) {
    Map<HttpMethod, HttpHandler> byMethod = routes.get(request.path());
    if (byMethod == null) {
      return CompletableFuture.completedFuture(
          Response.error(HttpResponseStatus.NOT_FOUND, "no such path: " + request.path()));
    }
    HttpHandler handler = byMethod.get(request.method());
    if (handler == null && request.method().equals(HttpMethod.HEAD)) {
      handler = byMethod.get(HttpMethod.GET);
    }
    if (handler == null) {
      TreeSet<String> allowed = new TreeSet<>();
      byMethod.keySet().forEach(m -> allowed.add(m.name()));
      if (allowed.contains("GET")) {
        allowed.add("HEAD");
      }
      return CompletableFuture.completedFuture(
          Response.error(
                  HttpResponseStatus.METHOD_NOT_ALLOWED,
                  request.method() + " is not allowed on " + request.path())
              .withHeader("Allow", String.join(", ", allowed)));
    }
    return handler.handle(request);
  }
}
