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
 * with the worst check's status ({@code "DEGRADED"}: serving, but some writes or reads are refused;
 * {@code "DOWN"}) and each check's details, which say why. A check that does not answer within
 * {@link #CHECK_TIMEOUT} is DOWN.
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
              HealthCheck.Status worst = HealthCheck.Status.UP;
              Map<String, Object> details = new LinkedHashMap<>();
              for (int i = 0; i < checks.size(); i++) {
                HealthCheck.Result r = results.get(i).join();
                if (r.status().compareTo(worst) > 0) {
                  worst = r.status();
                }
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("status", r.status().name());
                d.putAll(r.details());
                details.put(checks.get(i).name(), d);
              }
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("status", worst.name());
              body.put("checks", details);
              return Response.json(
                  worst == HealthCheck.Status.UP
                      ? HttpResponseStatus.OK
                      : HttpResponseStatus.SERVICE_UNAVAILABLE,
                  body);
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
    return new HealthCheck.Result(HealthCheck.Status.DOWN, Map.of("error", message));
  }
}
