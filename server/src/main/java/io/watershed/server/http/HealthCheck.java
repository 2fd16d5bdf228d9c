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
   * @param healthy whether this check passes; the server is UP only if all pass
   * @param details shown under the check's name, in order
   */
  record Result(boolean healthy, Map<String, Object> details) {}
}
