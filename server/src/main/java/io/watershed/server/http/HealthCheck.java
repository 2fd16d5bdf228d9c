package io.watershed.server.http;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One check reported by {@code /health}; must not block the caller (run blocking work elsewhere).
 */
public interface HealthCheck {
  /** Key in the {@code checks} object ({@code dataDir}). */
  String name();

  CompletionStage<Result> check();

  /**
   * How a check, and so the server, stands. {@code /health} answers 200 only when every check is
   * {@link #UP}; otherwise 503 with the worst status.
   */
  enum Status {
    /** Serving normally. */
    UP,
    /**
     * Serving, but some writes or reads are refused (a full disk, a fenced or damaged partition).
     */
    DEGRADED,
    /** Not serving. */
    DOWN
  }

  /**
   * @param status how the check stands
   * @param details shown under the check's name, in order
   */
  record Result(Status status, Map<String, Object> details) {
    public boolean healthy() {
      return status == Status.UP;
    }
  }
}
