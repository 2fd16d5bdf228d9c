package io.watershed.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code produce --count N --size BYTES}: sends N generated records in requests of up to {@code
 * --batch} records, {@code --inflight} at a time; draws a progress bar on stderr; ends with one
 * line of records/s, MB/s and latency percentiles (a record's latency is that of the request that
 * carried it, from sending to the durable acknowledgement).
 */
final class LoadGenerator {
  private static final long PROGRESS_NANOS = 250_000_000L;
  private static final int BAR = 30;

  private final AdminClient client;
  private final ProduceCommand cmd;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicReference<CliException> failure = new AtomicReference<>();
  private final List<long[]> latencies = new ArrayList<>(); // {nanos, records}

  LoadGenerator(AdminClient client, ProduceCommand cmd) {
    this.client = client;
    this.cmd = cmd;
  }

  int run() {
    long n = cmd.count;
    if (n < 1) {
      throw ApiCommand.usage("--count must be at least 1");
    }
    if (cmd.size < 0 || cmd.size > 512 * 1024) {
      throw ApiCommand.usage("--size must be between 0 and 524288 bytes");
    }
    if (cmd.inflight < 1 || cmd.inflight > 64) {
      throw ApiCommand.usage("--inflight must be between 1 and 64");
    }
    int perRequest =
        Math.max(1, Math.min(cmd.batch, ProduceCommand.MAX_REQUEST_BYTES / (cmd.size + 64)));
    String value = randomText(cmd.size);
    Semaphore slots = new Semaphore(cmd.inflight);
    PrintWriter err = cmd.err();
    long start = System.nanoTime();
    long lastDraw = 0;
    long sent = 0;
    List<CompletableFuture<?>> outstanding = new ArrayList<>();
    while (sent < n && failure.get() == null) {
      int k = (int) Math.min(perRequest, n - sent);
      List<Map<String, Object>> records = new ArrayList<>(k);
      for (int i = 0; i < k; i++) {
        Map<String, Object> r = cmd.record(value);
        records.add(r);
      }
      slots.acquireUninterruptibly();
      long t0 = System.nanoTime();
      CompletableFuture<?> f =
          client
              .sendAsync("POST", cmd.path(), Map.of("records", records))
              .whenComplete(
                  (answer, error) -> {
                    slots.release();
                    if (error != null) {
                      failure.compareAndSet(
                          null,
                          error.getCause() instanceof CliException c
                              ? cmd.missingTopic(c)
                              : error instanceof CliException c2
                                  ? cmd.missingTopic(c2)
                                  : new CliException(ExitCodes.FAILURE, error.toString()));
                      return;
                    }
                    cmd.noteCreation(answer);
                    synchronized (latencies) {
                      latencies.add(new long[] {System.nanoTime() - t0, k});
                    }
                    acked.addAndGet(k);
                  });
      outstanding.add(f);
      outstanding.removeIf(CompletableFuture::isDone);
      sent += k;
      long now = System.nanoTime();
      if (!cmd.noProgress && now - lastDraw > PROGRESS_NANOS) {
        draw(err, n, now - start);
        lastDraw = now;
      }
    }
    for (CompletableFuture<?> f : outstanding) {
      try {
        f.join();
      } catch (RuntimeException e) {
        // recorded in failure
      }
    }
    long elapsed = System.nanoTime() - start;
    if (!cmd.noProgress) {
      draw(err, n, elapsed);
      err.println();
      err.flush();
    }
    cmd.reportCreation();
    if (failure.get() != null) {
      throw new CliException(
          failure.get().exitCode(),
          failure.get().getMessage() + " (after " + acked.get() + " of " + n + " records)");
    }
    cmd.out().println(summary(n, elapsed));
    return ExitCodes.OK;
  }

  private void draw(PrintWriter err, long n, long elapsedNanos) {
    long done = acked.get();
    int filled = (int) (BAR * done / n);
    double seconds = Math.max(elapsedNanos / 1e9, 1e-9);
    err.print(
        String.format(
            Locale.ROOT,
            "\r[%s%s] %3d%% %,d/%,d records %,.0f records/s",
            "#".repeat(filled),
            ".".repeat(BAR - filled),
            100 * done / n,
            done,
            n,
            done / seconds));
    err.flush();
  }

  private String summary(long n, long elapsedNanos) {
    double seconds = elapsedNanos / 1e9;
    double mb = n * (double) cmd.size / 1e6;
    long[][] l;
    synchronized (latencies) {
      l = latencies.toArray(long[][]::new);
    }
    Arrays.sort(l, (a, b) -> Long.compare(a[0], b[0]));
    return String.format(
        Locale.ROOT,
        "%,d records (%s) in %.2f s: %,.0f records/s, %.2f MB/s; latency p50 %.1f ms, p95 %.1f ms,"
            + " p99 %.1f ms, max %.1f ms",
        n,
        Units.bytes(n * (long) cmd.size),
        seconds,
        n / seconds,
        mb / seconds,
        percentile(l, n, 0.50),
        percentile(l, n, 0.95),
        percentile(l, n, 0.99),
        l.length == 0 ? 0.0 : l[l.length - 1][0] / 1e6);
  }

  /** The latency (ms) of the record at quantile {@code q}, each request weighted by its records. */
  static double percentile(long[][] sorted, long records, double q) {
    long rank = (long) Math.ceil(q * records);
    long seen = 0;
    for (long[] x : sorted) {
      seen += x[1];
      if (seen >= rank) {
        return x[0] / 1e6;
      }
    }
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1][0] / 1e6;
  }

  private static String randomText(int size) {
    SplittableRandom random = new SplittableRandom(42);
    StringBuilder b = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    return b.toString();
  }
}
