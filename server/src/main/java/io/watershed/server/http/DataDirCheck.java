package io.watershed.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Healthy when a probe file can be created and deleted in the data directory. The probe runs on the
 * given executor, never on the caller's (event loop) thread.
 */
public final class DataDirCheck implements HealthCheck {
  private final Path dir;
  private final Executor executor;

  public DataDirCheck(Path dir, Executor executor) {
    this.dir = dir;
    this.executor = executor;
  }

  @Override
  public String name() {
    return "dataDir";
  }

  @Override
  public CompletionStage<Result> check() {
    try {
      return CompletableFuture.supplyAsync(this::probe, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(result(false, "shutting down"));
    }
  }

  private Result probe() {
    try {
      Path probe = Files.createTempFile(dir, ".health-", ".probe");
      Files.delete(probe);
      return result(true, null);
    } catch (IOException | RuntimeException e) {
      return result(false, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private Result result(boolean writable, String error) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("writable", writable);
    details.put("path", dir.toString());
    if (error != null) {
      details.put("error", error);
    }
    return new Result(writable, details);
  }
}
