package io.watershed.bench;

import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorNamespace;
import io.watershed.core.coordinator.CoordinatorRecord;
import io.watershed.core.coordinator.CoordinatorResult;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.coordinator.CoordinatorShard;
import io.watershed.core.coordinator.CoordinatorStats;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.FlushPolicy;
import io.watershed.log.LogManagerConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Offset-commit-like writes through the coordinator runtime: {@code GROUPS} groups, each committing
 * one partition's offset per write (key {@code group/topic/partition}, a 24-byte value: offset,
 * leader epoch, commit time), placed by group on the shards; {@code IN_FLIGHT} writes outstanding
 * from one thread. Runs {@code SECONDS} after a 3-second warm-up and prints writes/s, batches/s,
 * writes per batch and latency percentiles. Durable (fsync) unless the fourth argument is {@code
 * os}.
 *
 * <pre>java -cp ... io.watershed.bench.CoordinatorWriteBench DIR SHARDS [IN_FLIGHT] [durable|os]
 * [SECONDS] [GROUPS]</pre>
 */
public final class CoordinatorWriteBench {
  private CoordinatorWriteBench() {}

  /** Committed offsets of one shard: key to the latest value's offset field. */
  static final class Offsets implements CoordinatorShard {
    final Map<String, Long> offsets = new HashMap<>();

    @Override
    public void replay(byte[] key, byte[] value) {
      String k = new String(key, StandardCharsets.UTF_8);
      if (value == null) {
        offsets.remove(k);
      } else {
        offsets.put(k, ByteBuffer.wrap(value).getLong());
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int shards = Integer.parseInt(args[1]);
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    boolean durable = args.length <= 3 || !args[3].equals("os");
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    int groups = args.length > 5 ? Integer.parseInt(args[5]) : 64;
    Files.createDirectories(dir);
    LogManagerConfig config = LogManagerConfig.defaults(dir);
    if (!durable) {
      config = config.withFlushPolicy(new FlushPolicy.Os());
    }
    try (TopicStore topics = TopicStore.open(dir, config);
        CoordinatorRuntime runtime =
            CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS.withShards(shards))) {
      CoordinatorNamespace<Offsets> ns = runtime.register("bench.offsets", s -> new Offsets());
      ns.loadAll().join();
      int[] shardOf = new int[groups];
      for (int g = 0; g < groups; g++) {
        shardOf[g] = ns.shardOf("group-" + g);
      }
      Semaphore permits = new Semaphore(inFlight);
      SplittableRandom random = new SplittableRandom(1);
      long[] latencies = new long[1 << 22];
      AtomicLong recorded = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long warmUpEnd = System.nanoTime() + 3_000_000_000L;
      long end = warmUpEnd + seconds * 1_000_000_000L;
      long measuredWrites = 0;
      long batchesAtStart = 0;
      long offset = 0;
      boolean measuring = false;
      while (true) {
        long now = System.nanoTime();
        if (now >= end) {
          break;
        }
        if (!measuring && now >= warmUpEnd) {
          permits.acquire(inFlight);
          permits.release(inFlight);
          measuring = true;
          batchesAtStart = runtime.stats().batches();
          recorded.set(0);
        }
        permits.acquire();
        int g = random.nextInt(groups);
        String key = "group-" + g + "/orders/" + random.nextInt(16);
        byte[] value =
            ByteBuffer.allocate(24).putLong(offset++).putInt(0).putLong(now / 1_000_000).array();
        CoordinatorRecord record =
            new CoordinatorRecord(key.getBytes(StandardCharsets.UTF_8), value);
        long started = System.nanoTime();
        boolean measured = measuring;
        ns.write(shardOf[g], state -> CoordinatorResult.of(List.of(record), null))
            .whenComplete(
                (r, e) -> {
                  if (e != null) {
                    failed.incrementAndGet();
                  } else if (measured) {
                    long i = recorded.getAndIncrement();
                    if (i < latencies.length) {
                      latencies[(int) i] = System.nanoTime() - started;
                    }
                  }
                  permits.release();
                });
        if (measuring) {
          measuredWrites++;
        }
      }
      permits.acquire(inFlight);
      CoordinatorStats stats = runtime.stats();
      long batches = stats.batches() - batchesAtStart;
      int n = (int) Math.min(recorded.get(), latencies.length);
      long[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      System.out.printf(
          "shards %d in_flight %d flush %s groups %d%n"
              + "writes_per_s %.0f%nbatches_per_s %.0f%nwrites_per_batch %.1f%n"
              + "latency_ms_p50 %.2f%nlatency_ms_p99 %.2f%nfailed %d%n",
          shards,
          inFlight,
          durable ? "durable" : "os",
          groups,
          measuredWrites / (double) seconds,
          batches / (double) seconds,
          batches == 0 ? 0 : measuredWrites / (double) batches,
          percentile(sorted, 0.50),
          percentile(sorted, 0.99),
          failed.get());
    }
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
  }
}
