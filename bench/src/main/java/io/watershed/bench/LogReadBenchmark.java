package io.watershed.bench;

import io.watershed.log.AppendOptions;
import io.watershed.log.FlushPolicy;
import io.watershed.log.LogConfig;
import io.watershed.log.LogManager;
import io.watershed.log.LogManagerConfig;
import io.watershed.log.LogSlice;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.CompressionType;
import io.watershed.log.format.RecordBatchBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Sequential reads from the page cache: a 512 MiB partition read front to back in 1 MiB slices,
 * each copied into a direct buffer (the copy a consumer-facing server makes at least once). One
 * operation = one slice of about 1 MiB; the slice size is reported so bytes/s can be derived.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogReadBenchmark {
  static final int SLICE = 1 << 20;
  static final long FILL = 512L << 20;

  private Path dir;
  private LogManager manager;
  private PartitionLog log;
  private long next;
  private final ByteBuffer into = ByteBuffer.allocateDirect(2 * SLICE);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = BenchFiles.freshDir("read");
    manager = LogManager.open(LogManagerConfig.defaults(dir).withFlushPolicy(FlushPolicy.OS));
    log =
        manager.partition(
            "bench-0",
            LogConfig.DEFAULTS.with(Map.of("segment.bytes", Integer.toString(256 << 20))));
    Random random = new Random(7);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (long bytes = 0; bytes < FILL; bytes += 16 * 1024) {
      RecordBatchBuilder b = RecordBatchBuilder.create(CompressionType.NONE);
      for (int i = 0; i < 16; i++) {
        byte[] value = new byte[1024];
        random.nextBytes(value);
        b.append(System.currentTimeMillis(), null, value, List.of());
      }
      pending.add(log.append(b.build(), AppendOptions.WRITTEN));
      if (pending.size() > 256) {
        pending.forEach(CompletableFuture::join);
        pending.clear();
      }
    }
    pending.forEach(CompletableFuture::join);
  }

  /** Reads the next slice; returns its size so JMH cannot drop the work. */
  @Benchmark
  public int readSlice() throws IOException {
    if (next >= log.logEndOffset()) {
      next = 0;
    }
    try (LogSlice slice = log.read(next, SLICE)) {
      into.clear();
      int n = slice.readInto(into);
      next = LogSlice.nextOffsetAfterWholeBatches(into);
      return n;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    manager.close();
    BenchFiles.deleteTree(dir);
  }
}
