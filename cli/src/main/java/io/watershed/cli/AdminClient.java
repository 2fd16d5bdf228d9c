package io.watershed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The admin API as the commands use it: JSON requests to {@code <server>/api/v1/...}, answers as
 * JSON trees, and every failure as a {@link CliException} with a one-line message and the exit code
 * it maps to. Thread-safe.
 */
public final class AdminClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final HttpClient http;

  public AdminClient(String server) {
    this.base = parse(server);
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  private static URI parse(String server) {
    String s = server.strip();
    if (!s.contains("://")) {
      s = "http://" + s;
    }
    try {
      URI u = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      if (u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
        throw new IllegalArgumentException("not an http URL");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "--server must be a URL such as http://localhost:8080, not '" + server + "'");
    }
  }

  public String server() {
    return base.toString();
  }

  /** A path with query parameters (null values left out), encoded. */
  static String path(String path, Map<String, ?> query) {
    StringJoiner q = new StringJoiner("&");
    query.forEach(
        (k, v) -> {
          if (v != null) {
            q.add(k + "=" + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
          }
        });
    return q.length() == 0 ? path : path + "?" + q;
  }

  /** One path segment, percent-encoded (stream names may hold '/', '$', spaces …). */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  public JsonNode get(String path) {
    return send("GET", path, null);
  }

  public JsonNode post(String path, Object body) {
    return send("POST", path, body);
  }

  public JsonNode patch(String path, Object body) {
    return send("PATCH", path, body);
  }

  public JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  public JsonNode send(String method, String path, Object body) {
    try {
      return sendAsync(method, path, body).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof CliException c) {
        throw c;
      }
      throw new CliException(ExitCodes.FAILURE, String.valueOf(e.getCause()));
    }
  }

  /** Sends without waiting; the future fails with {@link CliException}. */
  public CompletableFuture<JsonNode> sendAsync(String method, String path, Object body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Accept", "application/json");
    try {
      if (body == null) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      }
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new CliException(ExitCodes.FAILURE, e.toString()));
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (response, error) -> {
              if (error != null) {
                throw unreachable(error);
              }
              return answer(method, path, response);
            });
  }

  private CliException unreachable(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String why;
    if (e instanceof HttpConnectTimeoutException) {
      why = "no connection within " + CONNECT_TIMEOUT.toSeconds() + " s";
    } else if (e instanceof HttpTimeoutException) {
      why = "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
    } else if (e instanceof ConnectException) {
      why = "connection refused";
    } else if (e instanceof java.nio.channels.UnresolvedAddressException) {
      why = "unknown host";
    } else {
      why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
    return new CliException(
        ExitCodes.UNREACHABLE,
        "cannot reach the server at " + base + ": " + why + " (is it running? see --server)");
  }

  private static JsonNode answer(String method, String path, HttpResponse<byte[]> response) {
    int status = response.statusCode();
    JsonNode body;
    try {
      body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.FAILURE,
          method + " " + path + " answered " + status + " with something that is not JSON");
    }
    if (status >= 400) {
      String message = body.path("message").asText("");
      if (message.isEmpty()) {
        message = "HTTP " + status;
      }
      throw new CliException(ExitCodes.ofStatus(status), message);
    }
    return body;
  }
}
