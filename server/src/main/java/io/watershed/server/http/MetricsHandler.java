package io.watershed.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.watershed.server.metrics.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** {@code GET /metrics}: the Prometheus text format, collected on the blocking executor. */
public final class MetricsHandler implements HttpHandler {
  private final Metrics metrics;
  private final Executor executor;

  public MetricsHandler(Metrics metrics, Executor executor) {
    this.metrics = metrics;
    this.executor = executor;
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    try {
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              return new Response(
                  HttpResponseStatus.OK, metrics.contentType(), metrics.scrape(), Map.of());
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          },
          executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          Response.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is stopping"));
    }
  }
}
