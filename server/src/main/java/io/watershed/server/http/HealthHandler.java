package io.watershed.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health}: 200 {@code {"status":"UP","checks":{...}}} when every check passes, else 503
 * with {@code "status":"DOWN"}. A check that does not answer within {@link #CHECK_TIMEOUT} fails.
 */
public final class HealthHandler implements HttpHandler {
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

  private final List<HealthCheck> checks;

  public HealthHandler(List<HealthCheck> checks) {
    this.checks = List.copyOf(checks);
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    List<CompletableFuture<HealthCheck.Result>> results = new ArrayList<>();
    for (HealthCheck check : checks) {
      CompletableFuture<HealthCheck.Result> result;
      try {
        result = check.check().toCompletableFuture();
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
      results.add(
          result
              .orTimeout(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .exceptionally(HealthHandler::failed));
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture<?>[]::new))
        .thenApply(
            ignored -> {
              boolean up = true;
              Map<String, Object> details = new LinkedHashMap<>();
              for (int i = 0; i < checks.size(); i++) {
                HealthCheck.Result r = results.get(i).join();
                up &= r.healthy();
                details.put(checks.get(i).name(), r.details());
              }
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("status", up ? "UP" : "DOWN");
              body.put("checks", details);
              return Response.json(
                  up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body);
            });
  }

  private static HealthCheck.Result failed(Throwable error) {
    Throwable cause =
        error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause()
            : error;
    String message =
        cause instanceof java.util.concurrent.TimeoutException
            ? "no answer within " + CHECK_TIMEOUT.toMillis() + " ms"
            : cause.toString();
    return new HealthCheck.Result(false, Map.of("error", message));
  }
}
