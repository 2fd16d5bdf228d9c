package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory with 10,000 partitions: reopening it is quick and lazy, and the file handle pool
 * keeps the process within its bound of open files however many partitions are read.
 *
 * <p>The log lives on tmpfs ({@code /dev/shm}) when there is one: closing 10,000 loaded partitions
 * costs about 35 s on this machine's virtual disk (each close fsyncs and rewrites the active
 * segment's index files), which would put the test far over its time budget. Run it with {@code
 * -Dwatershed.test.onDisk=true} to measure on the disk under the build's temp dir instead.
 */
class PartitionScaleTest {
  private static final int PARTITIONS = 10_000;
  private static final int MAX_OPEN_FILES = 256;

  @TempDir Path tempDir;
  Path dir;
  final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
  LogManager manager;

  @BeforeEach
  void chooseDirectory() throws IOException {
    dir = TestDirs.onTmpfs() ? TestDirs.create("watershed-scale-") : tempDir;
  }

  @AfterEach
  void close() throws Exception {
    if (manager != null) {
      manager.close();
    }
    if (!dir.equals(tempDir)) {
      TestDirs.deleteTree(dir);
    }
  }

  private LogManager open() throws IOException {
    manager =
        LogManager.open(
            LogManagerConfig.defaults(dir)
                .withMaxOpenFiles(MAX_OPEN_FILES)
                .withClock(clock::get)
                .withIntervals(3_600_000, 3_600_000, 3_600_000));
    return manager;
  }

  private static String name(int i) {
    return String.format("topic-%05d", i);
  }

  /** File descriptors this process has open (Linux). */
  private static long openDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /** Reads every partition's one record; returns the largest pool size seen in between. */
  private int readEveryPartition(long descriptorsBefore) throws Exception {
    int maxOpen = 0;
    for (int i = 0; i < PARTITIONS; i++) {
      PartitionLog log = manager.get(name(i)).orElseThrow();
      assertThat(log.logEndOffset()).isEqualTo(1);
      try (LogSlice slice = log.read(0, 1024)) {
        List<Record> records = TestBatches.records(slice.readWholeBatches());
        assertThat(records).hasSize(1);
        assertThat(TestBatches.string(records.getFirst().value())).isEqualTo("value-" + i);
      }
      maxOpen = Math.max(maxOpen, manager.openFileCount());
      if (i % 1000 == 999) {
        assertThat(openDescriptors() - descriptorsBefore)
            .as("descriptors opened after reading %d partitions", i + 1)
            .isLessThan(MAX_OPEN_FILES + 64);
      }
    }
    return maxOpen;
  }

  @Test
  void tenThousandPartitionsReopenFastAndReadWithinTheOpenFileBound() throws Exception {
    long t0 = System.nanoTime();
    open();
    LogConfig cfg = LogConfig.DEFAULTS;
    List<CompletableFuture<AppendResult>> appends = new ArrayList<>(PARTITIONS);
    for (int i = 0; i < PARTITIONS; i++) {
      appends.add(
          manager
              .partition(name(i), cfg)
              .append(TestBatches.values(clock.get(), "value-" + i), AppendOptions.WRITTEN));
    }
    for (CompletableFuture<AppendResult> f : appends) {
      assertThat(f.get(60, TimeUnit.SECONDS).firstOffset()).isZero();
    }
    assertThat(manager.openFileCount()).isLessThanOrEqualTo(MAX_OPEN_FILES);
    long createMs = millisSince(t0);
    long t1 = System.nanoTime();
    manager.close();
    long firstCloseMs = millisSince(t1);
    assertThat(dir.resolve(LogManager.CLEAN_SHUTDOWN)).exists();

    // Clean reopen: nothing is loaded until used.
    long descriptorsBefore = openDescriptors();
    long t2 = System.nanoTime();
    open();
    long cleanOpenMs = millisSince(t2);
    assertThat(manager.wasCleanStart()).isTrue();
    assertThat(manager.names()).hasSize(PARTITIONS);
    assertThat(manager.names()).noneMatch(n -> manager.get(n).orElseThrow().isLoaded());
    assertThat(manager.openFileCount()).isZero();
    assertThat(openDescriptors() - descriptorsBefore).isLessThan(64);
    assertThat(cleanOpenMs).as("clean open of %d partitions, ms", PARTITIONS).isLessThan(5_000);

    long t3 = System.nanoTime();
    int maxOpenClean = readEveryPartition(descriptorsBefore);
    long cleanReadMs = millisSince(t3);
    assertThat(maxOpenClean).isLessThanOrEqualTo(MAX_OPEN_FILES);
    long t4 = System.nanoTime();
    manager.close();
    long secondCloseMs = millisSince(t4);

    // Unclean reopen: every partition is recovered before open returns.
    Files.delete(dir.resolve(LogManager.CLEAN_SHUTDOWN));
    long t5 = System.nanoTime();
    open();
    long uncleanOpenMs = millisSince(t5);
    assertThat(manager.wasCleanStart()).isFalse();
    assertThat(manager.names()).hasSize(PARTITIONS);
    assertThat(manager.openFileCount()).isLessThanOrEqualTo(MAX_OPEN_FILES);
    long t6 = System.nanoTime();
    int maxOpenUnclean = readEveryPartition(descriptorsBefore);
    long uncleanReadMs = millisSince(t6);
    assertThat(maxOpenUnclean).isLessThanOrEqualTo(MAX_OPEN_FILES);
    long t7 = System.nanoTime();
    manager.close();
    manager = null;
    long thirdCloseMs = millisSince(t7);

    System.out.printf(
        "PartitionScaleTest (%d partitions, max %d open files, in %s):%n"
            + "  create + append %d ms, close %d ms%n"
            + "  clean open %d ms, read all %d ms (pool peak %d), close %d ms%n"
            + "  unclean open (recovery) %d ms, read all %d ms (pool peak %d), close %d ms%n",
        PARTITIONS,
        MAX_OPEN_FILES,
        dir,
        createMs,
        firstCloseMs,
        cleanOpenMs,
        cleanReadMs,
        maxOpenClean,
        secondCloseMs,
        uncleanOpenMs,
        uncleanReadMs,
        maxOpenUnclean,
        thirdCloseMs);
  }
}
