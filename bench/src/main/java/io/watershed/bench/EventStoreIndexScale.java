package io.watershed.bench;

import io.watershed.core.stream.EventStoreLimits;
import io.watershed.core.stream.ExpectedRevision;
import io.watershed.core.stream.IndexedEventStore;
import io.watershed.core.stream.ProposedEvent;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.FlushPolicy;
import io.watershed.log.LogManagerConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;

/**
 * How the event store's stream index grows with the number of streams: appends one event to each of
 * N new streams (expected revision no_stream, 256 appends in flight, log.flush=os so that the
 * disk's fsync rate does not decide the run), then reports the index's size on disk, the Java heap
 * in use after a full GC, the process's resident memory, and the time to look up random streams.
 *
 * <pre>java -cp ... io.watershed.bench.EventStoreIndexScale DIR STREAMS</pre>
 */
public final class EventStoreIndexScale {
  private EventStoreIndexScale() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long streams = Long.parseLong(args[1]);
    Path data = dir.resolve("data");
    LogManagerConfig config = LogManagerConfig.defaults(data).withFlushPolicy(new FlushPolicy.Os());
    long started = System.nanoTime();
    try (TopicStore topics = TopicStore.open(data, config);
        IndexedEventStore store =
            IndexedEventStore.open(topics, dir.resolve("index"), EventStoreLimits.DEFAULT)) {
      byte[] payload = "{\"amount\":42,\"currency\":\"EUR\"}".getBytes(StandardCharsets.UTF_8);
      Semaphore inFlight = new Semaphore(256);
      long reportEvery = Math.max(1, streams / 10);
      for (long i = 0; i < streams; i++) {
        inFlight.acquire();
        store
            .append(
                "account-" + i,
                ExpectedRevision.NO_STREAM,
                List.of(
                    new ProposedEvent(
                        UUID.randomUUID(), "Opened", "application/json", payload, new byte[0])))
            .whenComplete((r, t) -> inFlight.release());
        if ((i + 1) % reportEvery == 0) {
          System.err.printf(
              "%,d streams, %.0f appends/s%n",
              i + 1, (i + 1) / ((System.nanoTime() - started) / 1e9));
        }
      }
      inFlight.acquire(256);
      double seconds = (System.nanoTime() - started) / 1e9;
      long lookups = 100_000;
      long t0 = System.nanoTime();
      java.util.SplittableRandom random = new java.util.SplittableRandom(1);
      for (long i = 0; i < lookups; i++) {
        if (store.lastRevision("account-" + random.nextLong(streams)) != 0) {
          throw new IllegalStateException("a stream lost its event");
        }
      }
      double lookupMicros = (System.nanoTime() - t0) / 1e3 / lookups;
      System.gc();
      long heap =
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
      System.out.printf(
          "streams %d%nappends_per_s %.0f%nindex_disk_mb %.1f%nindex_reported_mb %.1f%n"
              + "heap_after_gc_mb %d%nrss_mb %d%nlookup_us %.2f%n",
          streams,
          streams / seconds,
          du(dir.resolve("index")) / 1048576.0,
          store.indexSizeBytes() / 1048576.0,
          heap,
          rssMb(),
          lookupMicros);
    }
  }

  private static long du(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  private static long rssMb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }
}
