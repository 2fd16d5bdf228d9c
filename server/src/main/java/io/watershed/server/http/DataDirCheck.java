package io.watershed.server.http;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The data directory's file system: DOWN when a probe file cannot be created and deleted there,
 * DEGRADED when it is (nearly) full — less than {@link #minFreeBytes} free, the smaller of 64 MiB
 * and 5% of its size — since appends then fail or are about to. (Creating an empty file still works
 * on a full disk, so the probe alone would say nothing.) The probe runs on the given executor,
 * never on the caller's (event loop) thread.
 */
public final class DataDirCheck implements HealthCheck {
  private static final long FREE_BYTES_CAP = 64L * 1024 * 1024;

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

  /** Free bytes below which a file system of {@code totalBytes} counts as full. */
  static long minFreeBytes(long totalBytes) {
    return Math.min(FREE_BYTES_CAP, totalBytes / 20);
  }

  @Override
  public CompletionStage<Result> check() {
    try {
      return CompletableFuture.supplyAsync(this::probe, executor);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(
          new Result(Status.DOWN, Map.of("error", "shutting down")));
    }
  }

  private Result probe() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("path", dir.toString());
    try {
      Path probe = Files.createTempFile(dir, ".health-", ".probe");
      Files.delete(probe);
    } catch (IOException | RuntimeException e) {
      details.put("writable", false);
      details.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
      return new Result(Status.DOWN, details);
    }
    details.put("writable", true);
    try {
      FileStore store = Files.getFileStore(dir);
      long free = store.getUsableSpace();
      long total = store.getTotalSpace();
      details.put("freeBytes", free);
      details.put("totalBytes", total);
      if (free < minFreeBytes(total)) {
        details.put(
            "error", "the disk is full: " + free + " bytes free of " + total + "; appends fail");
        return new Result(Status.DEGRADED, details);
      }
    } catch (IOException e) {
      details.put("error", "cannot read free space: " + e.getMessage());
      return new Result(Status.DEGRADED, details);
    }
    return new Result(Status.UP, details);
  }
}
