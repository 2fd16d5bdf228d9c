package io.watershed.server.http;

import java.util.concurrent.CompletionStage;

/**
 * Answers one HTTP request. Called on a Netty event loop: it must not block; blocking work (disk,
 * locks) goes to {@link HttpService#blockingExecutor()} and completes the returned stage later.
 */
@FunctionalInterface
public interface HttpHandler {
  CompletionStage<Response> handle(Request request);
}
