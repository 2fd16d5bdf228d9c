package io.watershed.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the admin API refuses, with the HTTP status to answer and a message for the user.
 * Thrown by handlers; {@link ApiHandlers} turns it into {@code {"error": ..., "message": ...}}.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient HttpResponseStatus status;

  public ApiException(HttpResponseStatus status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public HttpResponseStatus status() {
    return status;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(HttpResponseStatus.BAD_REQUEST, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(HttpResponseStatus.NOT_FOUND, message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(HttpResponseStatus.CONFLICT, message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, message);
  }
}
