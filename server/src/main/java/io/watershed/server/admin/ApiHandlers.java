package io.watershed.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.watershed.core.topic.TopicException;
import io.watershed.log.LogDamagedException;
import io.watershed.log.LogStorageException;
import io.watershed.server.http.HttpHandler;
import io.watershed.server.http.Request;
import io.watershed.server.http.Response;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs admin handlers off the event loop and turns their failures into JSON errors: {@link
 * ApiException} with its status, a topic refusal as 400/404/409, a server that is starting or
 * stopping as 503, anything else as 500 (logged).
 */
public final class ApiHandlers {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandlers.class);

  /** A handler that may block and may throw {@link ApiException}. */
  @FunctionalInterface
  public interface BlockingHandler {
    Object handle(Request request) throws Exception;
  }

  /** A handler that returns a future of its answer and may throw {@link ApiException}. */
  @FunctionalInterface
  public interface AsyncHandler {
    CompletionStage<?> handle(Request request) throws Exception;
  }

  private final Executor executor;

  public ApiHandlers(Executor executor) {
    this.executor = executor;
  }

  /**
   * A handler run on the blocking executor; a {@link Response} it returns is sent as is, any other
   * value as JSON with 200.
   */
  public HttpHandler blocking(BlockingHandler handler) {
    return request -> {
      try {
        return CompletableFuture.supplyAsync(() -> answer(handler, request), executor);
      } catch (RejectedExecutionException e) {
        return CompletableFuture.completedFuture(
            Response.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is stopping"));
      }
    };
  }

  /** Like {@link #blocking} for a handler whose answer comes later, as a future. */
  public HttpHandler async(AsyncHandler handler) {
    return request -> {
      CompletableFuture<Response> out = new CompletableFuture<>();
      try {
        executor.execute(
            () -> {
              try {
                handler
                    .handle(request)
                    .whenComplete(
                        (value, error) ->
                            out.complete(
                                error == null ? toResponse(value) : failure(request, error)));
              } catch (Exception | Error e) {
                out.complete(failure(request, e));
              }
            });
      } catch (RejectedExecutionException e) {
        out.complete(
            Response.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is stopping"));
      }
      return out;
    };
  }

  private static Response answer(BlockingHandler handler, Request request) {
    try {
      return toResponse(handler.handle(request));
    } catch (Exception | Error e) {
      return failure(request, e);
    }
  }

  private static Response toResponse(Object value) {
    if (value instanceof Response r) {
      return r;
    }
    return Response.json(HttpResponseStatus.OK, value);
  }

  /** The error answer for a failure of a handler. */
  static Response failure(Request request, Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof ApiException a) {
      return Response.error(a.status(), a.getMessage());
    }
    if (e instanceof TopicException t) {
      return Response.error(statusOf(t), t.getMessage());
    }
    if (e instanceof IllegalStateException
        && String.valueOf(e.getMessage()).contains("not started")) {
      return Response.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "the server is starting");
    }
    if (e instanceof LogStorageException) {
      // A full disk or a fenced partition: retry later (the message says which and why).
      return Response.error(HttpResponseStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }
    if (e instanceof LogDamagedException) {
      return Response.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, e.getMessage());
    }
    if (e instanceof TimeoutException) {
      return Response.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "no answer in time, try again");
    }
    LOG.warn("{} {} failed: {}", request.method(), request.path(), e.toString(), e);
    return Response.error(
        HttpResponseStatus.INTERNAL_SERVER_ERROR,
        "internal error: " + e.getClass().getSimpleName());
  }

  private static HttpResponseStatus statusOf(TopicException t) {
    return switch (t.error()) {
      case UNKNOWN_TOPIC -> HttpResponseStatus.NOT_FOUND;
      case TOPIC_ALREADY_EXISTS -> HttpResponseStatus.CONFLICT;
      case INTERNAL_TOPIC -> HttpResponseStatus.FORBIDDEN;
      default -> HttpResponseStatus.BAD_REQUEST;
    };
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
