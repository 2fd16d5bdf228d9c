package io.watershed.server.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code GET /ready}: 200 {@code {"status":"READY"}} once every service has started — storage
 * recovered, every front door listening — else 503 {@code {"status":"STARTING"}} (or {@code
 * STOPPING}). {@code /health} says whether the process is alive; this says whether to send it
 * traffic.
 */
public final class ReadyHandler implements HttpHandler {
  private final BooleanSupplier ready;
  private final BooleanSupplier stopping;
  private final Supplier<Map<String, Integer>> listening;

  /**
   * @param listening the listeners bound so far, by name
   */
  public ReadyHandler(
      BooleanSupplier ready, BooleanSupplier stopping, Supplier<Map<String, Integer>> listening) {
    this.ready = ready;
    this.stopping = stopping;
    this.listening = listening;
  }

  @Override
  public CompletionStage<Response> handle(Request request) {
    boolean up = ready.getAsBoolean() && !stopping.getAsBoolean();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", up ? "READY" : stopping.getAsBoolean() ? "STOPPING" : "STARTING");
    body.put("listening", listening.get());
    return CompletableFuture.completedFuture(
        Response.json(up ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, body));
  }
}
