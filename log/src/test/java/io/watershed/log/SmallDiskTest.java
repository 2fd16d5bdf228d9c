package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.Record;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: the log lives on a 4 MiB tmpfs (mounted by the test when it runs as root;
 * otherwise a child JVM runs under {@code ulimit -f}, whose writes fail with EFBIG just as a full
 * disk fails them with ENOSPC). Appends must fail with a clear error, nothing stored may be lost,
 * and once space is freed appends work again, without a restart.
 */
class SmallDiskTest {
  @TempDir Path tmp;
  Tmpfs disk;
  Path mount;
  boolean mounted;

  @BeforeEach
  void mountTmpfs() throws Exception {
    disk = Tmpfs.mount(tmp.resolve("tiny"), "4m");
    mount = disk.path();
    mounted = disk.mounted();
  }

  @AfterEach
  void unmount() throws Exception {
    disk.close();
  }

  static final LogConfig CONFIG = LogConfig.DEFAULTS.with(Map.of("segment.bytes", "1048576"));

  static ByteBuffer batch(int i) {
    return TestBatches.values(System.currentTimeMillis(), ("record-" + i + "-").repeat(800));
  }

  @Test
  void aFullDiskFailsAppendsClearlyLosesNothingAndRecoversAfterSpaceIsFreed() throws Exception {
    if (!mounted || Boolean.getBoolean("test.simulateFullDisk")) {
      simulatedWithFileSizeLimit();
      return;
    }
    Path filler = mount.resolve("filler");
    Files.write(filler, new byte[1024 * 1024]);
    Path root = mount.resolve("log");
    List<Integer> acked = new ArrayList<>();
    Throwable failure = null;
    try (LogManager manager = LogManager.open(LogManagerConfig.defaults(root))) {
      PartitionLog log = manager.partition("p-0", CONFIG);
      for (int i = 0; i < 10_000 && failure == null; i++) {
        try {
          log.append(batch(i), AppendOptions.DURABLE).join();
          acked.add(i);
        } catch (CompletionException e) {
          failure = e.getCause();
        }
      }
      assertThat(failure).isInstanceOf(LogStorageException.class);
      assertThat(failure.getMessage()).contains("No space left on device");
      // Sticky: the partition refuses further writes instead of retrying.
      Throwable again = log.append(batch(-1), AppendOptions.DURABLE).handle((r, e) -> e).join();
      assertThat(again).isInstanceOf(LogStorageException.class);
      assertThat(log.isFenced()).isTrue();
      // What was stored is still readable.
      assertRecords(TestBatches.readAll(log, 0), acked);
      assertThat(acked).hasSizeGreaterThan(100);

      // Space is freed: the partition takes writes again by itself, without a restart.
      Files.delete(filler);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (log.isFenced() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(log.isFenced()).isFalse();
      AppendResult resumed = log.append(batch(acked.size()), AppendOptions.DURABLE).join();
      assertThat(resumed.firstOffset()).isEqualTo(acked.size());
      acked.add(acked.size());
      assertRecords(TestBatches.readAll(log, 0), acked);
    }

    try (LogManager manager = LogManager.open(LogManagerConfig.defaults(root))) {
      PartitionLog log = manager.partition("p-0", CONFIG);
      assertRecords(TestBatches.readAll(log, 0), acked);
      AppendResult more = log.append(batch(acked.size()), AppendOptions.DURABLE).join();
      assertThat(more.firstOffset()).isEqualTo(acked.size());
    }
  }

  private static void assertRecords(List<Record> records, List<Integer> acked) {
    assertThat(records.size()).isGreaterThanOrEqualTo(acked.size());
    for (int i : acked) {
      assertThat(records.get(i).offset()).isEqualTo(i);
      assertThat(TestBatches.string(records.get(i).value()))
          .isEqualTo(("record-" + i + "-").repeat(800));
    }
  }

  /** Without root: a child JVM under ulimit -f fills its segment file until writes fail. */
  private void simulatedWithFileSizeLimit() throws Exception {
    Path root = tmp.resolve("limited");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command =
        "ulimit -f 2048 && exec '"
            + java
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + SmallDiskChild.class.getName()
            + " '"
            + root
            + "'";
    Process child = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes());
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("FAILED");
    assertThat(output).containsPattern("File too large|No space left");
    int acked = Integer.parseInt(output.replaceAll("(?s).*ACKED (\\d+).*", "$1"));
    assertThat(acked).isGreaterThan(100);
    try (LogManager manager = LogManager.open(LogManagerConfig.defaults(root))) {
      PartitionLog log = manager.partition("p-0", CONFIG);
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < acked; i++) {
        expected.add(i);
      }
      assertRecords(TestBatches.readAll(log, 0), expected);
      assertThat(log.append(batch(acked), AppendOptions.DURABLE).join().firstOffset())
          .isEqualTo(acked);
    }
  }

  /** Runs under a file-size limit; prints ACKED n and the failure. */
  public static final class SmallDiskChild {
    private SmallDiskChild() {}

    public static void main(String[] args) throws IOException {
      try (LogManager manager = LogManager.open(LogManagerConfig.defaults(Path.of(args[0])))) {
        PartitionLog log =
            manager.partition("p-0", LogConfig.DEFAULTS.with(Map.of("segment.bytes", "104857600")));
        int i = 0;
        try {
          for (; i < 100_000; i++) {
            log.append(batch(i), AppendOptions.DURABLE).join();
          }
        } catch (CompletionException e) {
          System.out.println("FAILED " + e.getCause().getMessage());
        }
        System.out.println("ACKED " + i);
      }
    }
  }
}
