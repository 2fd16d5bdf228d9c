package io.watershed.server.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The route table: path template → method → handler. A template is a path whose segments are
 * literals or {@code {name}} (one non-empty segment, percent-decoded into a path parameter); a last
 * segment {@code {name*}} takes the rest of the path, slashes included. Literal segments win over
 * parameters, so {@code /topics/new} beats {@code /topics/{name}}. Unknown paths get 404, known
 * paths with another method 405 (with {@code Allow}); {@code HEAD} is served by the {@code GET}
 * handler.
 */
public final class Router {
  private record Route(String template, String[] segments, Map<HttpMethod, Endpoint> methods) {}

  /**
   * @param label the name of its requests in the request metrics, {@code "GET /api/v1/topics"}
   */
  private record Endpoint(HttpHandler handler, String label) {}

  private final List<Route> routes = new CopyOnWriteArrayList<>();

  public Router get(String path, HttpHandler handler) {
    return add(HttpMethod.GET, path, handler);
  }

  public Router post(String path, HttpHandler handler) {
    return add(HttpMethod.POST, path, handler);
  }

  public Router put(String path, HttpHandler handler) {
    return add(HttpMethod.PUT, path, handler);
  }

  public Router patch(String path, HttpHandler handler) {
    return add(HttpMethod.PATCH, path, handler);
  }

  public Router delete(String path, HttpHandler handler) {
    return add(HttpMethod.DELETE, path, handler);
  }

  public synchronized Router add(HttpMethod method, String path, HttpHandler handler) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/': " + path);
    }
    Route route = null;
    for (Route r : routes) {
      if (r.template.equals(path)) {
        route = r;
      }
    }
    if (route == null) {
      route = new Route(path, split(path), new ConcurrentHashMap<>());
      routes.add(route);
      // Most literal first: at the first segment where two templates differ, a literal wins.
      List<Route> sorted = new ArrayList<>(routes);
      sorted.sort(Router::compare);
      routes.clear();
      routes.addAll(sorted);
    }
    Endpoint endpoint = new Endpoint(handler, method.name() + " " + path);
    if (route.methods.putIfAbsent(method, endpoint) != null) {
      throw new IllegalArgumentException("route already defined: " + method + " " + path);
    }
    return this;
  }

  private static int compare(Route a, Route b) {
    int n = Math.min(a.segments.length, b.segments.length);
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(rank(a.segments[i]), rank(b.segments[i]));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(b.segments.length, a.segments.length);
  }

  private static int rank(String segment) {
    if (!segment.startsWith("{")) {
      return 0;
    }
    return segment.endsWith("*}") ? 2 : 1;
  }

  private static String[] split(String path) {
    String p = path.substring(1);
    return p.isEmpty() ? new String[0] : p.split("/", -1);
  }

  /** The label of requests that match no route, in the request metrics. */
  static final String NO_ROUTE = "unmatched";

  /** Finds the handler of {@code request} and calls it, or answers 404 / 405. */
  CompletionStage<Response> dispatch(Request request) {
    return dispatch(request, template -> {});
  }

  /**
   * As {@link #dispatch(Request)}, first telling {@code routed} the method and template of the
   * route that serves it ({@code "GET /api/v1/topics/{topic}"}; {@link #NO_ROUTE} for a 404 or
   * 405): request metrics are per route, never per path, so that path parameters cannot make the
   * number of series grow without bound. The label is made once per route, so this allocates
   * nothing.
   */
  CompletionStage<Response> dispatch(Request request, Consumer<String> routed) {
    String[] segments = split(request.rawPath().isEmpty() ? "/" : request.rawPath());
    for (Route route : routes) {
      Map<String, String> params = match(route.segments, segments);
      if (params != null) {
        return dispatch(route, request.withPathParams(params), routed);
      }
    }
    routed.accept(NO_ROUTE);
    return CompletableFuture.completedFuture(
        Response.error(HttpResponseStatus.NOT_FOUND, "no such path: " + request.path()));
  }

  private static CompletionStage<Response> dispatch(
      Route route, Request request, Consumer<String> routed) {
    Endpoint endpoint = route.methods.get(request.method());
    if (endpoint == null && request.method().equals(HttpMethod.HEAD)) {
      endpoint = route.methods.get(HttpMethod.GET);
    }
    routed.accept(endpoint == null ? NO_ROUTE : endpoint.label());
    if (endpoint == null) {
      TreeSet<String> allowed = new TreeSet<>();
      route.methods.keySet().forEach(m -> allowed.add(m.name()));
      if (allowed.contains("GET")) {
        allowed.add("HEAD");
      }
      return CompletableFuture.completedFuture(
          Response.error(
                  HttpResponseStatus.METHOD_NOT_ALLOWED,
                  request.method() + " is not allowed on " + request.path())
              .withHeader("Allow", String.join(", ", allowed)));
    }
    return endpoint.handler().handle(request);
  }

  /** The path parameters when {@code path} fits {@code template}, else null. */
  private static Map<String, String> match(String[] template, String[] path) {
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < template.length; i++) {
      String t = template[i];
      if (t.startsWith("{") && t.endsWith("*}")) {
        if (i >= path.length) {
          params.put(t.substring(1, t.length() - 2), "");
          return params;
        }
        StringBuilder rest = new StringBuilder();
        for (int j = i; j < path.length; j++) {
          rest.append(j > i ? "/" : "").append(decode(path[j]));
        }
        params.put(t.substring(1, t.length() - 2), rest.toString());
        return params;
      }
      if (i >= path.length) {
        return null;
      }
      if (t.startsWith("{")) {
        if (path[i].isEmpty()) {
          return null;
        }
        params.put(t.substring(1, t.length() - 1), decode(path[i]));
      } else if (!t.equals(path[i])) {
        return null;
      }
    }
    return template.length == path.length ? params : null;
  }

  private static String decode(String segment) {
    // decodeComponent leaves '+' alone in paths only when told so: a '+' in a path is a plus.
    return QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"));
  }
}
