package io.watershed.log;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.RecordBatchBuilder;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The process that gets killed in {@link CrashRecoveryTest}: appends durably from several threads
 * and prints one line per acknowledged append, {@code ACK <thread> <seq> <first> <last>}, only
 * after the append completed. Its records are a pure function of (thread, seq), so the test can
 * check them byte for byte.
 */
public final class CrashChild {
  static final int THREADS = 4;
  static final LogConfig CONFIG = LogConfig.DEFAULTS.with(Map.of("segment.bytes", "65536"));
  static final String PARTITION = "crash-0";

  private CrashChild() {}

  /** The batch thread {@code t} appends as its {@code seq}-th append. */
  static ByteBuffer batch(int thread, long seq) {
    CompressionType codec = CompressionType.values()[(int) ((thread + seq) % 5)];
    RecordBatchBuilder b = RecordBatchBuilder.create(codec);
    int records = 1 + (int) (seq % 7);
    for (int i = 0; i < records; i++) {
      b.append(1_700_000_000_000L + seq, key(thread, seq, i), value(thread, seq, i), List.of());
    }
    return b.build();
  }

  static byte[] key(int thread, long seq, int i) {
    return ("t" + thread + "-s" + seq + "-r" + i).getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(int thread, long seq, int i) {
    String base = "value-" + thread + "-" + seq + "-" + i + "-";
    return base.repeat(1 + (int) ((seq * 31 + i) % 40)).getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    long firstSeq = Long.parseLong(args[1]);
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
    LogManager manager = LogManager.open(LogManagerConfig.defaults(root));
    PartitionLog log = manager.partition(PARTITION, CONFIG);
    out.println("READY");
    out.flush();
    Thread[] threads = new Thread[THREADS];
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      threads[t] =
          new Thread(
              () -> {
                for (long seq = firstSeq; ; seq++) {
                  AppendResult r = log.append(batch(thread, seq), AppendOptions.DURABLE).join();
                  synchronized (out) {
                    out.println(
                        "ACK " + thread + " " + seq + " " + r.firstOffset() + " " + r.lastOffset());
                    out.flush();
                  }
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
  }
}
