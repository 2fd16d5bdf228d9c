package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.Record;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash at each step of a compaction, rebuilt from the files a real compaction leaves before and
 * after it, then opened as after a crash (no clean-shutdown marker):
 *
 * <ol>
 *   <li>while the compacted copy {@code <base>.log.cleaned} is written (a torn copy);
 *   <li>after the copy is complete and fsynced, before it is renamed over the original;
 *   <li>after the rename, before the segment's index files are rewritten (they describe the old
 *       file);
 *   <li>after a segment left empty had its records file deleted (the log start offset already
 *       persisted), before its index files were.
 * </ol>
 *
 * Steps 1 and 2 must roll back (the original segment, uncompacted), steps 3 and 4 must finish (the
 * compacted segment, or none); in every case offsets, order and each key's latest value are as
 * before, nothing else appears, the leftovers are gone, and the log takes appends and compacts
 * again.
 */
class CompactionCrashTest {
  private static final String PARTITION = "c-0";
  private static final LogConfig COMPACTED =
      LogConfig.DEFAULTS.with(Map.of("cleanup.policy", "compact", "segment.bytes", "400"));

  @TempDir Path tmp;
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  Path before;
  Path after;

  /** The segment files a compaction rewrote, and those it deleted, by base offset. */
  final List<Long> rewritten = new ArrayList<>();

  final List<Long> deleted = new ArrayList<>();

  LogManager open(Path root) throws IOException {
    return LogManager.open(
        LogManagerConfig.defaults(root)
            .withClock(clock::get)
            .withIntervals(3_600_000, 3_600_000, 3_600_000));
  }

  @BeforeEach
  void compactOnce() throws Exception {
    Path live = tmp.resolve("live");
    try (LogManager m = open(live)) {
      PartitionLog log = m.partition(PARTITION, COMPACTED);
      // The first few records' keys all come again later, so their segment compacts away
      // entirely; later segments keep their one-off keys and are rewritten smaller.
      for (int i = 0; i < 60; i++) {
        String key = i < 5 || i % 3 != 0 ? "key-" + (i % 5) : "once-" + i;
        log.append(
                TestBatches.keyed(
                    CompressionType.NONE, clock.get(), new String[] {key}, new String[] {"v" + i}),
                AppendOptions.WRITTEN)
            .join();
      }
    }
    before = copy(live, tmp.resolve("before"));
    try (LogManager m = open(live)) {
      m.partition(PARTITION, COMPACTED);
      assertThat(m.compactNow(PARTITION)).isTrue();
    }
    after = copy(live, tmp.resolve("after"));
    for (long base : segmentBases(before)) {
      Path was = segment(before, base);
      Path is = segment(after, base);
      if (!Files.exists(is)) {
        deleted.add(base);
      } else if (!Arrays.equals(Files.readAllBytes(was), Files.readAllBytes(is))) {
        rewritten.add(base);
      }
    }
    assertThat(rewritten).as("segments rewritten smaller").isNotEmpty();
    assertThat(deleted).as("segments compacted away").isNotEmpty();
  }

  @Test
  void aCrashWhileTheCompactedCopyIsWrittenRollsBack() throws Exception {
    long base = rewritten.getFirst();
    Path crashed = crashedCopyOf(before);
    byte[] copy = Files.readAllBytes(segment(after, base));
    Path cleaned = cleanedPath(crashed, base);
    Files.write(cleaned, Arrays.copyOf(copy, copy.length / 2));

    assertOpensAs(crashed, records(before));
    assertThat(cleaned).doesNotExist();
  }

  @Test
  void aCrashAfterTheCopyIsCompleteButBeforeTheRenameRollsBack() throws Exception {
    long base = rewritten.getFirst();
    Path crashed = crashedCopyOf(before);
    Path cleaned = cleanedPath(crashed, base);
    Files.copy(segment(after, base), cleaned);

    assertOpensAs(crashed, records(before));
    assertThat(cleaned).doesNotExist();
  }

  @Test
  void aCrashAfterTheRenameBeforeTheIndexesAreRewrittenFinishes() throws Exception {
    long base = rewritten.getFirst();
    Path crashed = crashedCopyOf(before);
    // The compacted file is in place; its index files still describe the original.
    Files.copy(
        segment(after, base),
        segment(crashed, base),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    List<Record> expected = new ArrayList<>();
    long end = nextBase(base);
    for (Record r : records(before)) {
      if (r.offset() < base || r.offset() >= end) {
        expected.add(r);
      }
    }
    for (Record r : records(after)) {
      if (r.offset() >= base && r.offset() < end) {
        expected.add(r);
      }
    }
    expected.sort((a, b) -> Long.compare(a.offset(), b.offset()));
    assertOpensAs(crashed, expected);
  }

  @Test
  void aCrashAfterAnEmptiedSegmentsRecordsFileWasDeletedFinishes() throws Exception {
    long base = deleted.getFirst();
    Path crashed = crashedCopyOf(before);
    // The log start offset is persisted before the first segment's file goes, so that the start
    // does not move up to the next segment (a consumer's committed offset stays in range).
    Path startFile = partitionDir(after).resolve("log-start-offset");
    if (Files.exists(startFile)) {
      Files.copy(startFile, partitionDir(crashed).resolve("log-start-offset"));
    }
    Files.delete(segment(crashed, base));
    Path index = partitionDir(crashed).resolve(Segment.fileStem(base) + ".index");
    Path timeIndex = partitionDir(crashed).resolve(Segment.fileStem(base) + ".timeindex");
    assertThat(index).exists();

    long end = nextBase(base);
    List<Record> expected = new ArrayList<>();
    for (Record r : records(before)) {
      if (r.offset() < base || r.offset() >= end) {
        expected.add(r);
      }
    }
    assertOpensAs(crashed, expected);
    assertThat(index).doesNotExist();
    assertThat(timeIndex).doesNotExist();
  }

  /**
   * Opens {@code root} as after a crash and checks that it holds exactly {@code expected}, that
   * every key's latest value is the one it had before the compaction, and that the log appends and
   * compacts again.
   */
  private void assertOpensAs(Path root, List<Record> expected) throws Exception {
    try (LogManager m = open(root)) {
      assertThat(m.wasCleanStart()).isFalse();
      PartitionLog log = m.partition(PARTITION, COMPACTED);
      List<Record> got = TestBatches.readAll(log, 0);
      assertThat(describe(got)).isEqualTo(describe(expected));
      assertThat(latestByKey(got)).isEqualTo(latestByKey(records(before)));
      try (Stream<Path> files = Files.list(partitionDir(root))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.endsWith(".cleaned"));
      }

      long end = log.logEndOffset();
      AppendResult more =
          log.append(
                  TestBatches.keyed(
                      CompressionType.NONE,
                      clock.get(),
                      new String[] {"key-0"},
                      new String[] {"new"}),
                  AppendOptions.DURABLE)
              .join();
      assertThat(more.firstOffset()).isEqualTo(end);
      log.roll();
      m.compactNow(PARTITION);
      Map<String, String> latest = latestByKey(TestBatches.readAll(log, 0));
      assertThat(latest).containsEntry("key-0", "new");
    }
  }

  private static List<String> describe(List<Record> records) {
    List<String> out = new ArrayList<>();
    for (Record r : records) {
      out.add(r.offset() + ":" + TestBatches.string(r.key()) + "=" + TestBatches.string(r.value()));
    }
    return out;
  }

  private static Map<String, String> latestByKey(List<Record> records) {
    Map<String, String> latest = new LinkedHashMap<>();
    for (Record r : records) {
      latest.put(TestBatches.string(r.key()), TestBatches.string(r.value()));
    }
    return new TreeMap<>(latest);
  }

  private List<Record> records(Path root) throws IOException {
    Path copy = copy(root, Files.createTempDirectory(tmp, "read"));
    try (LogManager m = open(copy)) {
      return TestBatches.readAll(m.partition(PARTITION, COMPACTED), 0);
    }
  }

  /** The base offset of the segment after {@code base} in the original log. */
  private long nextBase(long base) throws IOException {
    for (long b : segmentBases(before)) {
      if (b > base) {
        return b;
      }
    }
    return Long.MAX_VALUE;
  }

  private Path crashedCopyOf(Path root) throws IOException {
    Path crashed = copy(root, Files.createTempDirectory(tmp, "crashed"));
    Files.deleteIfExists(crashed.resolve(LogManager.CLEAN_SHUTDOWN));
    return crashed;
  }

  private static Path partitionDir(Path root) {
    return root.resolve("partitions").resolve(PARTITION);
  }

  private static Path segment(Path root, long base) {
    return Segment.logPath(partitionDir(root), base);
  }

  private static Path cleanedPath(Path root, long base) {
    return partitionDir(root).resolve(Segment.fileStem(base) + ".log.cleaned");
  }

  private static List<Long> segmentBases(Path root) throws IOException {
    try (Stream<Path> files = Files.list(partitionDir(root))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".log") && n.length() == 24)
          .map(n -> Long.parseLong(n.substring(0, 20)))
          .sorted()
          .toList();
    }
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals(".lock")) {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }
}
