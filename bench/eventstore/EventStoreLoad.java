import com.eventstore.dbclient.AppendToStreamOptions;
import com.eventstore.dbclient.EventData;
import com.eventstore.dbclient.EventStoreDBClient;
import com.eventstore.dbclient.EventStoreDBConnectionString;
import com.eventstore.dbclient.ExpectedRevision;
import com.eventstore.dbclient.Position;
import com.eventstore.dbclient.ReadAllOptions;
import com.eventstore.dbclient.ReadResult;
import com.eventstore.dbclient.ReadStreamOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event-store load for bench/eventstore-bench.sh, through the official Java client: prints
 * "metric value" lines.
 *
 * <pre>java -cp 'bench/work/eventstore-client-lib/*' bench/eventstore/EventStoreLoad.java \
 *     CONNECTION_STRING APPENDS STREAMS WRITERS BATCHES [SERVER_PID]</pre>
 *
 * <ol>
 *   <li>single-event appends with an exact expected revision, {@code WRITERS} in flight, spread
 *       over {@code STREAMS} streams (each writer owns its streams, so it knows their revisions);
 *       throughput and latency percentiles;
 *   <li>{@code BATCHES} appends of 100 events each, {@code WRITERS} in flight; events/s;
 *   <li>every stream read forwards, 16 reads in flight; events/s;
 *   <li>{@code $all} read forwards from the start in pages of 10,000; events/s.
 * </ol>
 */
public final class EventStoreLoad {
  /**
   * CPU time spent per operation by this client and, given its pid, by the server (from {@code
   * /proc/<pid>/stat}, in clock ticks of 10 ms): on two shared cores, what each side spends is
   * what decides throughput, and it drifts far less than wall-clock rates.
   */
  static final class CpuMeter {
    private final long serverPid;
    private long server0;
    private long client0;

    CpuMeter(long serverPid) {
      this.serverPid = serverPid;
      reset();
    }

    void reset() {
      server0 = serverTicks();
      client0 = clientNanos();
    }

    private long serverTicks() {
      if (serverPid < 0) {
        return 0;
      }
      try {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + serverPid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (java.io.IOException e) {
        return 0;
      }
    }

    private static long clientNanos() {
      return ((com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }

    void report(String phase, long ops) {
      if (ops <= 0) {
        return;
      }
      System.out.printf("%s_client_cpu_us %.1f%n", phase, (clientNanos() - client0) / 1e3 / ops);
      if (serverPid >= 0) {
        System.out.printf("%s_server_cpu_us %.1f%n", phase, (serverTicks() - server0) * 1e4 / ops);
      }
    }
  }

  public static void main(String[] args) throws Exception {
    EventStoreDBClient client =
        EventStoreDBClient.create(EventStoreDBConnectionString.parseOrThrow(args[0]));
    int appends = Integer.parseInt(args[1]);
    int streams = Integer.parseInt(args[2]);
    int writers = Integer.parseInt(args[3]);
    int batches = Integer.parseInt(args[4]);
    byte[] payload = "{\"amount\":42,\"currency\":\"EUR\",\"note\":\"benchmark\"}"
        .getBytes(StandardCharsets.UTF_8);
    String run = Long.toString(System.currentTimeMillis(), 36);

    // 1. Single-event appends with an exact expected revision.
    long[] revision = new long[streams];
    Arrays.fill(revision, -1);
    long[] latencies = new long[appends];
    Semaphore inFlight = new Semaphore(writers);
    AtomicLong failures = new AtomicLong();
    // Stream s is written only when no append to it is in flight: one lock bit per stream.
    boolean[] busy = new boolean[streams];
    CpuMeter cpu = new CpuMeter(args.length > 5 ? Long.parseLong(args[5]) : -1);
    long start = System.nanoTime();
    int next = 0;
    for (int i = 0; i < appends; i++) {
      inFlight.acquire();
      int s;
      synchronized (busy) {
        while (busy[next % streams]) {
          next++;
        }
        s = next % streams;
        busy[s] = true;
        next++;
      }
      long expected = revision[s];
      int n = i;
      long t0 = System.nanoTime();
      client
          .appendToStream(
              "acct" + run + "-" + s,
              AppendToStreamOptions.get()
                  .expectedRevision(
                      expected < 0
                          ? ExpectedRevision.noStream()
                          : ExpectedRevision.expectedRevision(expected)),
              EventData.builderAsJson("Deposited", payload).eventId(UUID.randomUUID()).build())
          .whenComplete(
              (r, t) -> {
                latencies[n] = System.nanoTime() - t0;
                if (t != null) {
                  failures.incrementAndGet();
                } else {
                  revision[s] = r.getNextExpectedRevision().toRawLong();
                }
                synchronized (busy) {
                  busy[s] = false;
                }
                inFlight.release();
              });
    }
    inFlight.acquire(writers);
    inFlight.release(writers);
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    System.out.printf("append_events_per_s %.0f%n", appends / seconds);
    System.out.printf("append_p50_ms %.2f%n", latencies[appends / 2] / 1e6);
    System.out.printf("append_p99_ms %.2f%n", latencies[(int) (appends * 0.99)] / 1e6);
    System.out.printf("append_p999_ms %.2f%n", latencies[(int) (appends * 0.999)] / 1e6);
    System.out.printf("append_failures %d%n", failures.get());
    cpu.report("append", appends);

    // 2. Batch appends of 100 events.
    cpu.reset();
    start = System.nanoTime();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      inFlight.acquire();
      List<EventData> events = new ArrayList<>(100);
      for (int e = 0; e < 100; e++) {
        events.add(
            EventData.builderAsJson("Deposited", payload).eventId(UUID.randomUUID()).build());
      }
      pending.add(
          client
              .appendToStream("batch" + run + "-" + b, events.iterator())
              .whenComplete((r, t) -> inFlight.release()));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("batch_append_events_per_s %.0f%n", batches * 100 / seconds);
    cpu.report("batch_append", batches * 100L);

    // 3. Every stream of step 1 read forwards.
    Semaphore reads = new Semaphore(16);
    AtomicLong read = new AtomicLong();
    pending.clear();
    cpu.reset();
    start = System.nanoTime();
    for (int s = 0; s < streams; s++) {
      reads.acquire();
      pending.add(
          client
              .readStream(
                  "acct" + run + "-" + s, ReadStreamOptions.get().forwards().fromStart())
              .whenComplete(
                  (r, t) -> {
                    if (r != null) {
                      read.addAndGet(r.getEvents().size());
                    }
                    reads.release();
                  }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).exceptionally(t -> null).join();
    seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("stream_read_events_per_s %.0f%n", read.get() / seconds);
    System.out.printf("stream_read_events %d%n", read.get());
    cpu.report("stream_read", read.get());

    // 4. $all forwards from the start.
    long all = 0;
    cpu.reset();
    start = System.nanoTime();
    Position from = new Position(0, 0);
    while (true) {
      ReadResult r =
          client.readAll(ReadAllOptions.get().forwards().fromPosition(from).maxCount(10_000)).get();
      int n = r.getEvents().size();
      if (n == 0) {
        break;
      }
      all += n;
      Position last = r.getEvents().get(n - 1).getOriginalEvent().getPosition();
      from = new Position(last.getCommitUnsigned() + 1, last.getPrepareUnsigned() + 1);
      if (n < 10_000) {
        break;
      }
    }
    seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("all_read_events_per_s %.0f%n", all / seconds);
    System.out.printf("all_read_events %d%n", all);
    cpu.report("all_read", all);
    client.shutdown().get();
  }
}
