import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The Kinesis workload of bench/kinesis-bench.sh, with the AWS SDK for Java v2 sync client (CBOR,
 * its default) against one endpoint. Every loop has a fixed count.
 *
 * <pre>
 *   java -cp 'bench/work/kinesis-client-lib/*' bench/kinesis/KinesisLoad.java \
 *     ENDPOINT PUT_CALLS PUT_THREADS LATENCY_CALLS [SERVER_PID]
 * </pre>
 *
 * With SERVER_PID (a process on this machine), the server's CPU time per record of the put and
 * get parts is printed too, from {@code /proc/<pid>/stat}.
 *
 * <ol>
 *   <li>a stream of four shards;
 *   <li>warm-up (the JIT, connections): half of the PutRecords calls and of the PutRecord calls, and
 *       a read of all of it, on another stream; not measured;
 *   <li>{@code put}: PUT_CALLS PutRecords calls of 500 records of 100 bytes with random partition
 *       keys, from PUT_THREADS threads: records per second;
 *   <li>{@code putrecord}: LATENCY_CALLS PutRecord calls of 100 bytes, one at a time: p50, p99;
 *   <li>{@code liststreams}: as many ListStreams calls, which store and read no records: the
 *       latency floor of the client, HTTP and the machine;
 *   <li>{@code get}: the whole stream read back with GetRecords (TRIM_HORIZON, Limit 10,000), one
 *       thread per shard: records per second.
 * </ol>
 *
 * Prints {@code name value} lines.
 */
public final class KinesisLoad {
  static final int SHARDS = 4;
  static final int BATCH = 500;
  static final int RECORD_BYTES = 100;

  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    int putCalls = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    int latencyCalls = Integer.parseInt(args[3]);
    long serverPid = args.length > 4 ? Long.parseLong(args[4]) : 0;
    try (KinesisClient kinesis =
        KinesisClient.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "bench")))
            .httpClientBuilder(ApacheHttpClient.builder().maxConnections(threads + SHARDS))
            .build()) {
      String warm = "warm";
      create(kinesis, warm);
      putRecords(kinesis, warm, Math.max(1, putCalls / 2), threads);
      putRecordLatencies(kinesis, warm, Math.max(1, latencyCalls / 2));
      readAll(kinesis, warm);

      String stream = "bench";
      create(kinesis, stream);
      long t0 = System.nanoTime();
      long c0 = cpuNanos();
      long s0 = serverCpuNanos(serverPid);
      long put = putRecords(kinesis, stream, putCalls, threads);
      double putSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("put_records_per_s %.0f%n", put / putSeconds);
      System.out.printf("put_client_cpu_us_per_record %.1f%n", (cpuNanos() - c0) / 1e3 / put);
      if (serverPid > 0) {
        System.out.printf(
            "put_server_cpu_us_per_record %.1f%n", (serverCpuNanos(serverPid) - s0) / 1e3 / put);
      }

      long[] latencies = putRecordLatencies(kinesis, stream, latencyCalls);
      Arrays.sort(latencies);
      System.out.printf("putrecord_p50_ms %.3f%n", latencies[latencies.length / 2] / 1e6);
      System.out.printf(
          "putrecord_p99_ms %.3f%n", latencies[(int) (latencies.length * 0.99)] / 1e6);
      // The same number of calls that store nothing: what the client, HTTP and the machine cost.
      long[] baseline = new long[latencyCalls];
      for (int i = 0; i < latencyCalls; i++) {
        long t = System.nanoTime();
        kinesis.listStreams();
        baseline[i] = System.nanoTime() - t;
      }
      Arrays.sort(baseline);
      System.out.printf("liststreams_p50_ms %.3f%n", baseline[baseline.length / 2] / 1e6);
      System.out.printf(
          "liststreams_p99_ms %.3f%n", baseline[(int) (baseline.length * 0.99)] / 1e6);

      long t1 = System.nanoTime();
      long c1 = cpuNanos();
      long s1 = serverCpuNanos(serverPid);
      long read = readAll(kinesis, stream);
      double readSeconds = (System.nanoTime() - t1) / 1e9;
      System.out.printf("get_client_cpu_us_per_record %.1f%n", (cpuNanos() - c1) / 1e3 / read);
      if (serverPid > 0) {
        System.out.printf(
            "get_server_cpu_us_per_record %.1f%n", (serverCpuNanos(serverPid) - s1) / 1e3 / read);
      }
      if (read != put + latencyCalls) {
        throw new IllegalStateException("read " + read + " records, wrote " + (put + latencyCalls));
      }
      System.out.printf("get_records_per_s %.0f%n", read / readSeconds);
    }
  }

  /** CPU time this client process has used, all threads. */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** A process's CPU time (user + system) from /proc, at the kernel's 10 ms resolution; 0 if none. */
  static long serverCpuNanos(long pid) throws java.io.IOException {
    if (pid <= 0) {
      return 0;
    }
    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name.
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
  }

  static void create(KinesisClient kinesis, String stream) throws InterruptedException {
    kinesis.createStream(b -> b.streamName(stream).shardCount(SHARDS));
    for (int i = 0; i < 600; i++) {
      if (kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
              .streamStatus()
          == StreamStatus.ACTIVE) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("stream " + stream + " did not become ACTIVE");
  }

  /** PutRecords calls spread over threads; returns the records acknowledged. */
  static long putRecords(KinesisClient kinesis, String stream, int calls, int threads)
      throws Exception {
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          pool.submit(
              () -> {
                byte[] data = new byte[RECORD_BYTES];
                while (next.getAndIncrement() < calls) {
                  List<PutRecordsRequestEntry> entries = new ArrayList<>(BATCH);
                  for (int i = 0; i < BATCH; i++) {
                    ThreadLocalRandom.current().nextBytes(data);
                    entries.add(
                        PutRecordsRequestEntry.builder()
                            .partitionKey(Long.toHexString(ThreadLocalRandom.current().nextLong()))
                            .data(SdkBytes.fromByteArray(data))
                            .build());
                  }
                  PutRecordsResponse r =
                      kinesis.putRecords(b -> b.streamName(stream).records(entries));
                  if (r.failedRecordCount() != 0) {
                    throw new IllegalStateException(r.failedRecordCount() + " records failed");
                  }
                  done.addAndGet(BATCH);
                }
                return null;
              }));
    }
    for (Future<?> w : workers) {
      w.get();
    }
    pool.shutdown();
    return done.get();
  }

  static long[] putRecordLatencies(KinesisClient kinesis, String stream, int calls) {
    long[] out = new long[calls];
    byte[] data = new byte[RECORD_BYTES];
    for (int i = 0; i < calls; i++) {
      ThreadLocalRandom.current().nextBytes(data);
      SdkBytes bytes = SdkBytes.fromByteArray(data);
      String key = "key-" + i;
      long t = System.nanoTime();
      kinesis.putRecord(b -> b.streamName(stream).partitionKey(key).data(bytes));
      out[i] = System.nanoTime() - t;
    }
    return out;
  }

  /** Reads every shard to its end, one thread per shard; returns the records read. */
  static long readAll(KinesisClient kinesis, String stream) throws Exception {
    List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
    ExecutorService pool = Executors.newFixedThreadPool(shards.size());
    List<Future<Long>> readers = new ArrayList<>();
    for (Shard shard : shards) {
      readers.add(
          pool.submit(
              () -> {
                String it =
                    kinesis
                        .getShardIterator(
                            b ->
                                b.streamName(stream)
                                    .shardId(shard.shardId())
                                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                        .shardIterator();
                long n = 0;
                for (int calls = 0; calls < 100_000 && it != null; calls++) {
                  String current = it;
                  GetRecordsResponse got =
                      kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
                  n += got.records().size();
                  it = got.nextShardIterator();
                  if (got.records().isEmpty() && got.millisBehindLatest() == 0) {
                    break;
                  }
                }
                return n;
              }));
    }
    long total = 0;
    for (Future<Long> r : readers) {
      total += r.get();
    }
    pool.shutdown();
    return total;
  }
}
