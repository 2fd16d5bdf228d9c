package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LogManager#retainRecords}: the owner of a log drops the records it calls garbage. */
class RetainRecordsTest {
  @TempDir Path dir;
  final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  LogManager manager;

  @AfterEach
  void close() throws Exception {
    if (manager != null) {
      manager.close();
    }
  }

  private LogManager open() throws Exception {
    return LogManager.open(
        LogManagerConfig.defaults(dir)
            .withClock(clock::get)
            .withIntervals(3_600_000, 3_600_000, 3_600_000));
  }

  @Test
  void sealedSegmentsKeepOnlyWhatThePredicateAcceptsWithOffsetsUnchanged() throws Exception {
    manager = open();
    PartitionLog log = manager.partition("e-0", LogConfig.DEFAULTS);
    for (int i = 0; i < 30; i++) {
      log.append(TestBatches.values(clock.get(), "v" + i, "w" + i), AppendOptions.WRITTEN).get();
      if (i % 10 == 9) {
        log.roll();
      }
    }
    log.append(TestBatches.values(clock.get(), "active"), AppendOptions.WRITTEN).get();
    long end = log.logEndOffset();

    // Keep the "v" records, except those of the second segment, which goes entirely.
    long reclaimed =
        manager.retainRecords(
            "e-0",
            r -> {
              String v = TestBatches.string(r.value());
              return v.startsWith("v") && (r.offset() < 20 || r.offset() >= 40);
            });
    assertThat(reclaimed).isPositive();
    assertThat(log.logEndOffset()).isEqualTo(end);
    assertThat(log.logStartOffset()).isZero();

    List<String> left =
        TestBatches.readAll(log, 0).stream().map(r -> TestBatches.string(r.value())).toList();
    assertThat(left).hasSize(10 + 10 + 1).last().isEqualTo("active");
    assertThat(TestBatches.readAll(log, 0))
        .allSatisfy(
            r -> {
              String v = TestBatches.string(r.value());
              if (!v.equals("active")) {
                assertThat(r.offset()).isEqualTo(2L * Long.parseLong(v.substring(1)));
              }
            });
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".cleaned"));
    }

    // Survives a reopen, and appends go on where they were.
    manager.close();
    manager = open();
    log = manager.partition("e-0", LogConfig.DEFAULTS);
    assertThat(log.logEndOffset()).isEqualTo(end);
    assertThat(TestBatches.readAll(log, 0)).hasSize(21);
    log.append(TestBatches.values(clock.get(), "after"), AppendOptions.WRITTEN).get();
    assertThat(TestBatches.readAll(log, end)).hasSize(1);
  }
}
