package io.watershed.bench;

import io.watershed.log.AppendOptions;
import io.watershed.log.FlushPolicy;
import io.watershed.log.LogConfig;
import io.watershed.log.LogManager;
import io.watershed.log.LogManagerConfig;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.CompressionType;
import io.watershed.log.format.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Appends of 16 KiB batches (16 records of 1 KiB) to one partition, each writer waiting for its
 * append to be acknowledged as durable under the flush policy: after the write under {@code os},
 * after the fsync under {@code durable}. Run with {@code -t 1}, {@code -t 8}, {@code -t 64}. One
 * operation = one 16 KiB batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogAppendBenchmark {
  static final int RECORD = 1024;
  static final int RECORDS_PER_BATCH = 16;

  @Param({"os", "durable"})
  public String flush;

  private Path dir;
  private LogManager manager;
  private PartitionLog log;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = BenchFiles.freshDir("append");
    manager =
        LogManager.open(
            LogManagerConfig.defaults(dir)
                .withFlushPolicy(FlushPolicy.parse(flush))
                .withIntervals(1_000, 3_600_000, 10_000));
    LogConfig config =
        LogConfig.DEFAULTS.with(
            Map.of("segment.bytes", Integer.toString(256 << 20), "retention.bytes", "1073741824"));
    log = manager.partition("bench-0", config);
  }

  /** Each writer's reusable batch; the log is done with it once its append completes. */
  @State(Scope.Thread)
  public static class Batch {
    ByteBuffer buffer;

    @Setup(Level.Trial)
    public void build() {
      Random random = new Random(Thread.currentThread().threadId());
      RecordBatchBuilder b = RecordBatchBuilder.create(CompressionType.NONE);
      for (int i = 0; i < RECORDS_PER_BATCH; i++) {
        byte[] value = new byte[RECORD];
        random.nextBytes(value);
        b.append(System.currentTimeMillis(), null, value, List.of());
      }
      ByteBuffer heap = b.build();
      buffer = ByteBuffer.allocateDirect(heap.remaining()).put(heap).flip();
    }
  }

  @Param({"1"})
  public int inFlight;

  /**
   * Up to {@code inFlight} outstanding appends: a buffer is free again once its append completes,
   * the way a network front door answers each request from the log's callback.
   */
  @State(Scope.Thread)
  public static class Window {
    java.util.concurrent.ArrayBlockingQueue<ByteBuffer> free;
    int size;

    @Setup(Level.Trial)
    public void build(LogAppendBenchmark bench) {
      size = bench.inFlight;
      free = new java.util.concurrent.ArrayBlockingQueue<>(size);
      for (int i = 0; i < size; i++) {
        Batch b = new Batch();
        b.build();
        free.add(b.buffer);
      }
    }

    @TearDown(Level.Trial)
    public void drain() throws InterruptedException {
      for (int i = 0; i < size; i++) {
        free.take();
      }
    }
  }

  /** Takes a free buffer (waiting while all are in flight) and appends it asynchronously. */
  @Benchmark
  public void appendInFlight(Window w) throws InterruptedException {
    ByteBuffer buffer = w.free.take();
    buffer.clear();
    log.append(buffer, AppendOptions.DURABLE)
        .whenComplete(
            (result, error) -> {
              if (error != null) {
                throw new IllegalStateException("append failed", error);
              }
              w.free.add(buffer);
            });
  }

  @Benchmark
  public long append(Batch batch) {
    batch.buffer.clear();
    return log.append(batch.buffer, AppendOptions.DURABLE).join().lastOffset();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    manager.close();
    BenchFiles.deleteTree(dir);
  }
}
