package io.watershed.server.http;

import io.watershed.log.LogDamage;
import io.watershed.log.LogManager;
import io.watershed.log.PartitionLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The partitions' state: DEGRADED while any partition refuses writes (fenced by a failed write or
 * fsync, or ending in damage) or holds a damaged range, naming them (at most {@link #LISTED} of
 * each) with the reason. Reads flags the log engine keeps; loads nothing, blocks on nothing.
 */
public final class PartitionsCheck implements HealthCheck {
  static final int LISTED = 20;

  private final Supplier<LogManager> logs;

  /**
   * @param logs the log engine, or null while storage is not started
   */
  public PartitionsCheck(Supplier<LogManager> logs) {
    this.logs = logs;
  }

  @Override
  public String name() {
    return "partitions";
  }

  @Override
  public CompletionStage<Result> check() {
    LogManager manager = logs.get();
    Map<String, Object> details = new LinkedHashMap<>();
    if (manager == null) {
      details.put("error", "storage is not started");
      return CompletableFuture.completedFuture(new Result(Status.DOWN, details));
    }
    int fencedCount = 0;
    int damagedCount = 0;
    List<Map<String, Object>> fenced = new ArrayList<>();
    List<Map<String, Object>> damaged = new ArrayList<>();
    for (String name : manager.names()) {
      PartitionLog log = manager.get(name).orElse(null);
      if (log == null) {
        continue;
      }
      String reason = log.fenceReason();
      if (reason != null) {
        fencedCount++;
        if (fenced.size() < LISTED) {
          fenced.add(Map.of("partition", name, "reason", reason));
        }
      }
      List<LogDamage> damage = log.damages();
      if (!damage.isEmpty()) {
        damagedCount++;
        if (damaged.size() < LISTED) {
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("partition", name);
          d.put("ranges", damage.size());
          d.put("firstOffset", damage.getFirst().firstOffset());
          damaged.add(d);
        }
      }
    }
    details.put("fencedPartitions", fencedCount);
    details.put("damagedPartitions", damagedCount);
    if (!fenced.isEmpty()) {
      details.put("fenced", fenced);
    }
    if (!damaged.isEmpty()) {
      details.put("damaged", damaged);
      details.put("repair", "watershed topics repair TOPIC --partition N --execute");
    }
    Status status = fencedCount + damagedCount == 0 ? Status.UP : Status.DEGRADED;
    return CompletableFuture.completedFuture(new Result(status, details));
  }
}
