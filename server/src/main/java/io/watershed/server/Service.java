package io.watershed.server;

import java.util.Map;

/**
 * A part of the server with a lifetime: the storage engine, a front door, the HTTP endpoint. The
 * {@link Server} starts services in order and closes them in reverse order.
 */
public interface Service {
  /** Short name for logs ({@code http}, {@code storage}, {@code kafka}). */
  String name();

  /**
   * Starts the service; when this returns it is serving. A service whose start fails must release
   * what it acquired before throwing ({@link #close()} is not called for it).
   */
  void start() throws Exception;

  /** Stops the service and releases its resources; bounded in time, called at most once. */
  void close() throws Exception;

  /**
   * The ports this service actually listens on, by listener name ({@code http} → 8080), once
   * started; these differ from the configured ones when the configuration says 0.
   */
  default Map<String, Integer> boundPorts() {
    return Map.of();
  }
}
