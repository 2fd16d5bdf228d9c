package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.Header;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchBuilder;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import net.jqwik.api.statistics.Statistics;

/**
 * Model-based properties: random sequences of appends, reads, timestamp lookups, rolls, clock
 * moves, retention, delete-records, compaction and restarts run against a real {@link PartitionLog}
 * (tiny segments, so rolls are frequent; a small file handle pool) and against an in-memory model
 * of what the log must hold. After every step the whole log is read back and compared with the
 * model.
 *
 * <p>What the model predicts exactly: offsets, contents (key, value, headers, timestamp, codec),
 * log start and end offsets, reads, timestamp lookups, delete-records, restarts (clean and after a
 * lost clean-shutdown marker) and compaction. For compaction the covered range is the one the
 * cleaner reports ({@link PartitionLog#firstDirtyOffset}); every segment sealed before the pass
 * must be in it and the active segment never. Retention deletes whole segments, which the model
 * does not track, so it is checked by bounds: no batch straddles the new start, nothing newer than
 * {@code retention.ms} or within the last {@code retention.bytes} goes, and the pass went as far as
 * the rules allow.
 *
 * <p>Logs live on tmpfs when available (see {@link TestDirs}).
 */
class LogModelPropertyTest {
  private static final String NAME = "model-0";
  private static final HexFormat HEX = HexFormat.of();

  private final List<LogUnderTest> created = new ArrayList<>();

  @AfterTry
  void disposeLogs() {
    for (LogUnderTest log : created) {
      log.dispose();
    }
    created.clear();
  }

  @Property(tries = 70, edgeCases = EdgeCasesMode.NONE)
  void aDeletePolicyLogBehavesLikeTheModel(
      @ForAll("deletePolicyRuns") ActionChain<LogUnderTest> run) {
    collectStatistics(
        run.withInvariant("log matches the model", LogUnderTest::checkWholeLog).run());
  }

  @Property(tries = 70, edgeCases = EdgeCasesMode.NONE)
  void aCompactedLogBehavesLikeTheModel(@ForAll("compactedRuns") ActionChain<LogUnderTest> run) {
    collectStatistics(
        run.withInvariant("log matches the model", LogUnderTest::checkWholeLog).run());
  }

  /** What the runs exercised, reported by jqwik after each property. */
  private static void collectStatistics(LogUnderTest s) {
    Statistics.label("segments rolled")
        .collect(bucket(s.rolledBeforeRestarts + s.manager.stats().segmentsRolled()));
    Statistics.label("retention moved the start").collect(s.retentionMoves > 0);
    Statistics.label("delete-records moved the start").collect(s.deleteRecordsMoves > 0);
    Statistics.label("restarts (clean, unclean)")
        .collect(Math.min(s.cleanReopens, 2) + "," + Math.min(s.uncleanReopens, 2));
    Statistics.label("maxTimestampOffset checked").collect(s.maxTimestampChecks > 0);
    if (s.setup.compacted()) {
      Statistics.label("compactions that removed records").collect(bucket(s.compactionRemovals));
      Statistics.label("tombstones dropped after their horizon").collect(s.tombstonesDropped > 0);
    }
  }

  private static String bucket(long n) {
    return n == 0 ? "0" : n < 5 ? "1-4" : n < 20 ? "5-19" : "20+";
  }

  // ---- configurations ---------------------------------------------------------------------------

  /** One run's settings. */
  record Setup(LogConfig config, int maxOpenFiles) {
    boolean compacted() {
      return config.cleanupCompact();
    }

    @Override
    public String toString() {
      return "Setup[maxOpenFiles=" + maxOpenFiles + ", " + config.toMap() + "]";
    }
  }

  private static Arbitrary<Long> orForever(Arbitrary<Long> limit) {
    return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(-1L)), Tuple.of(3, limit));
  }

  @Provide
  Arbitrary<ActionChain<LogUnderTest>> deletePolicyRuns() {
    Arbitrary<Setup> setups =
        Combinators.combine(
                Arbitraries.integers().between(200, 2000),
                Arbitraries.integers().between(0, 600),
                orForever(Arbitraries.longs().between(5_000, 120_000)),
                orForever(Arbitraries.longs().between(300, 6_000)),
                Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.just(7L * 24 * 3600 * 1000)),
                    Tuple.of(1, Arbitraries.longs().between(10_000, 120_000))),
                Arbitraries.integers().between(1, 16))
            .as(
                (segmentBytes, indexInterval, retentionMs, retentionBytes, segmentMs, maxOpen) -> {
                  Map<String, String> m = new LinkedHashMap<>();
                  m.put(LogConfig.SEGMENT_BYTES, segmentBytes.toString());
                  m.put(LogConfig.INDEX_INTERVAL_BYTES, indexInterval.toString());
                  m.put(LogConfig.RETENTION_MS, retentionMs.toString());
                  m.put(LogConfig.RETENTION_BYTES, retentionBytes.toString());
                  m.put(LogConfig.SEGMENT_MS, segmentMs.toString());
                  return new Setup(LogConfig.DEFAULTS.with(m), maxOpen);
                });
    return setups.flatMap(
        setup ->
            ActionChain.<LogUnderTest>startWith(() -> start(setup))
                .withAction(10, appendAction(false))
                .withAction(4, readAction())
                .withAction(2, offsetForTimestampAction())
                .withAction(1, maxTimestampAction())
                .withAction(1, rollAction())
                .withAction(3, advanceClockAction())
                .withAction(2, retentionAction())
                .withAction(1, deleteRecordsAction())
                .withAction(1, reopenAction())
                .withMaxTransformations(60));
  }

  @Provide
  Arbitrary<ActionChain<LogUnderTest>> compactedRuns() {
    Arbitrary<Setup> setups =
        Combinators.combine(
                Arbitraries.integers().between(200, 2000),
                Arbitraries.integers().between(0, 600),
                Arbitraries.longs().between(0, 60_000),
                Arbitraries.frequencyOf(
                    Tuple.of(3, Arbitraries.just(false)), Tuple.of(1, Arbitraries.just(true))),
                orForever(Arbitraries.longs().between(5_000, 120_000)),
                orForever(Arbitraries.longs().between(300, 6_000)),
                Arbitraries.integers().between(1, 16))
            .as(
                (segmentBytes,
                    indexInterval,
                    deleteRetentionMs,
                    alsoDelete,
                    retentionMs,
                    retentionBytes,
                    maxOpen) -> {
                  Map<String, String> m = new LinkedHashMap<>();
                  m.put(LogConfig.CLEANUP_POLICY, alsoDelete ? "compact,delete" : "compact");
                  m.put(LogConfig.SEGMENT_BYTES, segmentBytes.toString());
                  m.put(LogConfig.INDEX_INTERVAL_BYTES, indexInterval.toString());
                  m.put(LogConfig.DELETE_RETENTION_MS, deleteRetentionMs.toString());
                  m.put(LogConfig.MIN_COMPACTION_LAG_MS, "0");
                  m.put(LogConfig.RETENTION_MS, retentionMs.toString());
                  m.put(LogConfig.RETENTION_BYTES, retentionBytes.toString());
                  return new Setup(LogConfig.DEFAULTS.with(m), maxOpen);
                });
    return setups.flatMap(
        setup ->
            ActionChain.<LogUnderTest>startWith(() -> start(setup))
                .withAction(10, appendAction(true))
                .withAction(3, readAction())
                .withAction(2, offsetForTimestampAction())
                .withAction(1, maxTimestampAction())
                .withAction(2, rollAction())
                .withAction(3, advanceClockAction())
                .withAction(3, compactAction())
                .withAction(1, retentionAction())
                .withAction(1, deleteRecordsAction())
                .withAction(1, reopenAction())
                .withMaxTransformations(60));
  }

  private LogUnderTest start(Setup setup) {
    LogUnderTest log = new LogUnderTest(setup);
    created.add(log);
    return log;
  }

  // ---- actions ----------------------------------------------------------------------------------

  /** One record to append; {@code key} -1 is a null key, {@code step} moves the timestamp. */
  record RecordSpec(int key, byte[] value, List<Header> headers, int step) {}

  /** One append: a batch of records with one codec. */
  record AppendSpec(List<RecordSpec> records, CompressionType codec, boolean durable) {
    @Override
    public String toString() {
      return "append "
          + records.size()
          + " record(s) "
          + codec.configName()
          + (durable ? " durable" : "")
          + " keys="
          + records.stream().map(r -> r.key() < 0 ? "-" : "k" + r.key()).toList()
          + " tombstones="
          + records.stream().filter(r -> r.value() == null).count();
    }
  }

  private static Arbitrary<Header> headers() {
    return Combinators.combine(
            Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(3),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(8).injectNull(0.2))
        .as(Header::new);
  }

  private static Action.Independent<LogUnderTest> appendAction(boolean compacted) {
    Arbitrary<Integer> keys =
        compacted
            ? Arbitraries.integers().between(0, 7)
            : Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.integers().between(0, 7)),
                Tuple.of(1, Arbitraries.just(-1)));
    Arbitrary<byte[]> values =
        Arbitraries.bytes().array(byte[].class).ofMaxSize(40).injectNull(compacted ? 0.2 : 0.05);
    Arbitrary<Integer> steps =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.integers().between(0, 100)),
            Tuple.of(2, Arbitraries.integers().between(-3_000, -1)));
    Arbitrary<RecordSpec> record =
        Combinators.combine(keys, values, headers().list().ofMaxSize(2), steps).as(RecordSpec::new);
    Arbitrary<AppendSpec> appends =
        Combinators.combine(
                record.list().ofMinSize(1).ofMaxSize(20),
                Arbitraries.of(CompressionType.class),
                Arbitraries.of(true, false, false, false))
            .as(AppendSpec::new);
    return () -> appends.map(spec -> Transformer.mutate(spec.toString(), s -> s.append(spec)));
  }

  private static Action.Independent<LogUnderTest> readAction() {
    return () ->
        Combinators.combine(
                Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(1, 4_000),
                Arbitraries.frequencyOf(
                    Tuple.of(10, Arbitraries.just(0)),
                    Tuple.of(1, Arbitraries.just(-1)),
                    Tuple.of(1, Arbitraries.just(1))))
            .as(
                (where, maxBytes, outside) ->
                    Transformer.<LogUnderTest>mutate(
                        String.format(
                            "read at %.2f of [start, end]%s, maxBytes %d",
                            where,
                            outside < 0 ? " (below start)" : outside > 0 ? " (past end)" : "",
                            maxBytes),
                        s -> s.read(where, maxBytes, outside)));
  }

  private static Action.Independent<LogUnderTest> offsetForTimestampAction() {
    return () ->
        Arbitraries.doubles()
            .between(0, 1)
            .map(
                where ->
                    Transformer.<LogUnderTest>mutate(
                        String.format("offsetForTimestamp at %.2f of the timestamps seen", where),
                        s -> s.offsetForTimestamp(where)));
  }

  private static Action.Independent<LogUnderTest> maxTimestampAction() {
    return Action.just(Transformer.mutate("maxTimestampOffset", LogUnderTest::maxTimestamp));
  }

  private static Action.Independent<LogUnderTest> rollAction() {
    return Action.just(Transformer.mutate("roll", LogUnderTest::roll));
  }

  private static Action.Independent<LogUnderTest> advanceClockAction() {
    return () ->
        Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.longs().between(0, 2_000)),
                Tuple.of(2, Arbitraries.longs().between(2_000, 60_000)),
                Tuple.of(1, Arbitraries.longs().between(60_000, 300_000)))
            .map(
                ms ->
                    Transformer.<LogUnderTest>mutate(
                        "advance clock " + ms + " ms", s -> s.clock.addAndGet(ms)));
  }

  private static Action.Independent<LogUnderTest> retentionAction() {
    return Action.just(Transformer.mutate("retention pass", LogUnderTest::retention));
  }

  private static Action.Independent<LogUnderTest> deleteRecordsAction() {
    return () ->
        Combinators.combine(
                Arbitraries.doubles().between(0, 1),
                Arbitraries.of(false, false, false, false, false, false, false, false, true))
            .as(
                (where, pastEnd) ->
                    Transformer.<LogUnderTest>mutate(
                        pastEnd
                            ? "deleteRecordsBefore past the end"
                            : String.format("deleteRecordsBefore %.2f of [0, end]", where),
                        s -> s.deleteRecords(where, pastEnd)));
  }

  private static Action.Independent<LogUnderTest> compactAction() {
    return Action.just(Transformer.mutate("compactNow", LogUnderTest::compact));
  }

  private static Action.Independent<LogUnderTest> reopenAction() {
    return () ->
        Arbitraries.of(false, false, true)
            .map(
                unclean ->
                    Transformer.<LogUnderTest>mutate(
                        unclean ? "close, crash marker, reopen" : "close and reopen",
                        s -> s.reopen(unclean)));
  }

  // ---- model and log under test -----------------------------------------------------------------

  /** A record as appended: what every read of its offset must return. */
  record Rec(
      long offset,
      long timestamp,
      byte[] key,
      byte[] value,
      List<Header> headers,
      CompressionType codec) {
    String render() {
      return LogModelPropertyTest.render(offset, timestamp, key, value, headers);
    }

    String keyText() {
      return key == null ? "null" : HEX.formatHex(key);
    }
  }

  static String render(long offset, long ts, byte[] key, byte[] value, List<Header> headers) {
    StringBuilder sb = new StringBuilder();
    sb.append('@').append(offset).append(" ts=").append(ts);
    sb.append(" key=").append(key == null ? "null" : new String(key, StandardCharsets.UTF_8));
    sb.append(" value=").append(value == null ? "null" : HEX.formatHex(value));
    for (Header h : headers) {
      sb.append(' ').append(h.key()).append(':');
      sb.append(h.value() == null ? "null" : HEX.formatHex(h.value()));
    }
    return sb.toString();
  }

  static String render(Record r) {
    return render(r.offset(), r.timestamp(), r.keyBytes(), r.valueBytes(), r.headers());
  }

  /** A whole batch as read back. */
  record Batch(
      long base, long last, int size, CompressionType codec, boolean crcOk, List<Record> records) {}

  static List<Batch> parse(ByteBuffer buf) {
    List<Batch> out = new ArrayList<>();
    int at = buf.position();
    while (buf.limit() - at >= RecordBatchLayout.HEADER_SIZE) {
      int size = RecordBatchLayout.sizeInBytes(buf, at);
      if (at + size > buf.limit()) {
        break;
      }
      ByteBuffer b = buf.slice(at, size);
      out.add(
          new Batch(
              RecordBatchLayout.baseOffset(b, 0),
              RecordBatchLayout.lastOffset(b, 0),
              size,
              RecordBatchLayout.compression(b, 0),
              RecordBatchLayout.computeCrc(b, 0, size) == RecordBatchLayout.storedCrc(b, 0),
              RecordLayout.readRecords(b, 0)));
      at += size;
    }
    return out;
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("operation failed: " + e, e);
    }
  }

  /** The real log, its manager, and the model it must agree with. */
  static final class LogUnderTest {
    final Setup setup;
    final LogConfig cfg;
    final Path root;
    final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    LogManager manager;
    PartitionLog log;

    /** Records readable now, by offset. */
    final TreeMap<Long, Rec> live = new TreeMap<>();

    /** Every record ever appended, by offset: anything read back must match it. */
    final Map<Long, Rec> history = new HashMap<>();

    /** Tombstones stamped by a compaction pass: offset → time after which they may go. */
    final Map<Long, Long> horizons = new HashMap<>();

    long logStart;
    long logEnd;
    long rolledBeforeRestarts;
    int retentionMoves;
    int deleteRecordsMoves;
    int cleanReopens;
    int uncleanReopens;
    int compactionRemovals;
    int tombstonesDropped;
    int maxTimestampChecks;
    long lastTimestamp = clock.get();
    final long maxFutureMs;

    LogUnderTest(Setup setup) {
      this.setup = setup;
      this.cfg = setup.config();
      // A compacted log's cleaner skips segments holding future timestamps when
      // min.compaction.lag.ms is 0 (their age is negative), so only the delete runs use them.
      this.maxFutureMs = setup.compacted() ? 0 : 600_000;
      try {
        this.root = TestDirs.create("log-model-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      openManager();
    }

    private void openManager() {
      try {
        manager =
            LogManager.open(
                LogManagerConfig.defaults(root)
                    .withDefaults(cfg)
                    .withMaxOpenFiles(setup.maxOpenFiles())
                    .withClock(clock::get)
                    .withIntervals(3_600_000, 3_600_000, 3_600_000));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      log = manager.partition(NAME, cfg);
    }

    void dispose() {
      try {
        if (manager != null) {
          manager.close();
        }
        TestDirs.deleteTree(root);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String toString() {
      return "LogUnderTest[" + setup + ", start=" + logStart + ", end=" + logEnd + "]";
    }

    // ---- operations ----------------------------------------------------------------------------

    void append(AppendSpec spec) {
      long now = clock.get();
      RecordBatchBuilder b = RecordBatchBuilder.create(spec.codec());
      List<Rec> recs = new ArrayList<>();
      long offset = logEnd;
      for (RecordSpec r : spec.records()) {
        long ts = Math.max(lastTimestamp, now - 2_000) + r.step();
        ts = Math.max(0, Math.min(ts, now + maxFutureMs));
        lastTimestamp = ts;
        byte[] key = r.key() < 0 ? null : ("k" + r.key()).getBytes(StandardCharsets.UTF_8);
        b.append(ts, key, r.value(), r.headers());
        recs.add(new Rec(offset++, ts, key, r.value(), r.headers(), spec.codec()));
      }
      ByteBuffer batch = b.build();
      int size = batch.remaining();
      AppendResult result =
          await(log.append(batch, spec.durable() ? AppendOptions.DURABLE : AppendOptions.WRITTEN));
      assertThat(result.firstOffset()).as("first offset").isEqualTo(logEnd);
      assertThat(result.lastOffset()).as("last offset").isEqualTo(logEnd + recs.size() - 1);
      assertThat(result.recordCount()).isEqualTo(recs.size());
      assertThat(result.sizeInBytes()).isEqualTo(size);
      assertThat(result.logStartOffset()).isEqualTo(logStart);
      if (spec.durable()) {
        assertThat(log.durableOffset()).isGreaterThan(result.lastOffset());
      }
      for (Rec r : recs) {
        live.put(r.offset(), r);
        history.put(r.offset(), r);
      }
      logEnd += recs.size();
    }

    void read(double where, int maxBytes, int outside) {
      if (outside < 0 && logStart > 0) {
        assertThatThrownBy(() -> log.read(logStart - 1, maxBytes))
            .isInstanceOf(OffsetOutOfRangeException.class);
        return;
      }
      if (outside > 0) {
        assertThatThrownBy(() -> log.read(logEnd + 1, maxBytes))
            .isInstanceOf(OffsetOutOfRangeException.class);
        return;
      }
      long offset = logStart + Math.round(where * (logEnd - logStart));
      try (LogSlice slice = log.read(offset, maxBytes)) {
        Map.Entry<Long, Rec> firstLive = live.ceilingEntry(offset);
        if (offset == logEnd || slice.isEmpty()) {
          assertThat(slice.isEmpty()).as("slice at the log end").isTrue();
          assertThat(firstLive).as("a live record after an empty read at %d", offset).isNull();
          return;
        }
        List<Batch> batches = parse(slice.readWholeBatches());
        assertThat(batches).as("whole batches in a non-empty slice").isNotEmpty();
        Batch first = batches.getFirst();
        assertThat(slice.firstBatchBaseOffset()).isEqualTo(first.base());
        assertThat(first.last())
            .as("first batch ends at or after %d", offset)
            .isGreaterThanOrEqualTo(offset);
        assertThat(slice.size())
            .as("slice size for maxBytes %d and a first batch of %d", maxBytes, first.size())
            .isBetween(first.size(), Math.max(maxBytes, first.size()));
        checkAgainstHistory(batches);
        long lastReturned = batches.getLast().last();
        List<String> got =
            batches.stream()
                .flatMap(bt -> bt.records().stream())
                .filter(r -> r.offset() >= offset)
                .map(LogModelPropertyTest::render)
                .toList();
        List<String> want =
            live.subMap(offset, true, lastReturned, true).values().stream()
                .map(Rec::render)
                .toList();
        assertThat(got).as("records read from %d", offset).containsExactlyElementsOf(want);
        if (!setup.compacted()) {
          assertThat(first.base()).as("batch holding %d", offset).isLessThanOrEqualTo(offset);
          assertThat(got).isNotEmpty();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void offsetForTimestamp(double where) {
      long min = history.values().stream().mapToLong(Rec::timestamp).min().orElse(clock.get());
      long max = history.values().stream().mapToLong(Rec::timestamp).max().orElse(clock.get());
      long target = min - 5 + Math.round(where * (max - min + 10));
      TimestampOffset expected =
          live.values().stream()
              .filter(r -> r.timestamp() >= target)
              .findFirst()
              .map(r -> new TimestampOffset(r.timestamp(), r.offset()))
              .orElse(null);
      assertThat(log.offsetForTimestamp(target))
          .as("offsetForTimestamp(%d)", target)
          .isEqualTo(expected);
    }

    void maxTimestamp() {
      TimestampOffset expected = null;
      for (Rec r : live.values()) {
        if (expected == null || r.timestamp() > expected.timestamp()) {
          expected = new TimestampOffset(r.timestamp(), r.offset());
        }
      }
      assertThat(log.maxTimestampOffset()).isEqualTo(expected);
      maxTimestampChecks++;
    }

    void roll() {
      log.roll();
      assertThat(log.activeSegment().isEmpty()).as("active segment after a roll").isTrue();
      assertThat(log.activeSegment().baseOffset).isEqualTo(logEnd);
    }

    void deleteRecords(double where, boolean pastEnd) {
      if (pastEnd) {
        assertThatThrownBy(() -> log.deleteRecordsBefore(logEnd + 1))
            .isInstanceOf(OffsetOutOfRangeException.class);
        return;
      }
      long offset = Math.round(where * logEnd);
      long expected = Math.max(logStart, offset);
      long actual = log.deleteRecordsBefore(offset);
      assertThat(log.logStartOffset()).isEqualTo(actual);
      assertThat(actual).as("log start after deleteRecordsBefore(%d)", offset).isEqualTo(expected);
      if (actual > logStart) {
        deleteRecordsMoves++;
      }
      logStart = actual;
      live.headMap(actual).clear();
    }

    void retention() {
      long now = clock.get();
      List<Batch> batches = readAllBatches();
      long visibleBytes = batches.stream().mapToLong(Batch::size).sum();
      List<Segment> sealedBefore = log.sealedSegments();
      // The smallest offset that must survive: a batch survives time retention when one of its
      // records is recent enough, and size retention when it lies within the newest
      // retention.bytes; deletion only ever takes a prefix of the log.
      long mustKeepFrom = logEnd;
      if (cfg.cleanupDelete()) {
        long suffixBytes = 0;
        for (Batch b : batches.reversed()) {
          suffixBytes += b.size();
          boolean recent =
              cfg.retentionMs() < 0
                  || b.records().stream().anyMatch(r -> now - r.timestamp() <= cfg.retentionMs());
          boolean small = cfg.retentionBytes() < 0 || suffixBytes <= cfg.retentionBytes();
          if (recent && small) {
            mustKeepFrom = b.base();
          }
        }
      } else {
        mustKeepFrom = logStart;
      }

      manager.retentionPass();

      long newStart = log.logStartOffset();
      assertThat(log.logEndOffset()).isEqualTo(logEnd);
      assertThat(newStart)
          .as("start after retention (must keep from %d)", mustKeepFrom)
          .isBetween(logStart, Math.max(logStart, mustKeepFrom));
      if (newStart != logStart) {
        assertThat(batches)
            .as(
                "retention deletes whole segments: no batch may straddle the new start %d",
                newStart)
            .noneMatch(b -> b.base() < newStart && newStart <= b.last());
      }
      if (cfg.cleanupDelete()) {
        // The pass went as far as the rules allow: the oldest segment left (of those sealed
        // before the pass; the active one may be rolling meanwhile) is not removable by size,
        // nor expired when time is the only limit. (With both, the time rule stops at the first
        // segment it keeps; if the size rule then deletes that one, an expired segment behind it
        // waits for the next pass, as in Kafka.)
        List<Segment> left =
            sealedBefore.stream().filter(s -> log.segments.get(s.baseOffset) == s).toList();
        if (!left.isEmpty()) {
          Segment oldest = left.getFirst();
          try {
            oldest.load(); // a segment untouched since a reopen reports size 0 until loaded
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          if (cfg.retentionMs() >= 0 && cfg.retentionBytes() < 0) {
            assertThat(now - oldest.maxTimestamp())
                .as("age of the oldest segment left, %s", oldest)
                .isLessThanOrEqualTo(cfg.retentionMs());
          }
          if (cfg.retentionBytes() >= 0) {
            assertThat(log.sizeInBytes() - oldest.size())
                .as("bytes after the oldest segment left, %s", oldest)
                .isLessThan(cfg.retentionBytes());
          }
        }
        if (cfg.retentionBytes() >= 0 && cfg.retentionMs() < 0) {
          // Size retention alone never takes the batches still readable below retention.bytes
          // (segments wholly below the start go whatever the settings).
          assertThat(log.sizeInBytes())
              .as("bytes after size retention, %d readable before", visibleBytes)
              .isGreaterThanOrEqualTo(Math.min(visibleBytes, cfg.retentionBytes()));
        }
      }
      if (newStart > logStart) {
        retentionMoves++;
      }
      logStart = newStart;
      live.headMap(newStart).clear();

      // When everything ever written has expired, the active segment is rolled and the next
      // pass empties the log.
      boolean allExpired =
          cfg.cleanupDelete()
              && cfg.retentionMs() >= 0
              && !history.isEmpty()
              && history.values().stream().allMatch(r -> now - r.timestamp() > cfg.retentionMs());
      if (allExpired) {
        log.roll(); // queued after the roll retention requested, if any: waits for it
        manager.retentionPass();
        assertThat(log.logStartOffset()).as("start once everything expired").isEqualTo(logEnd);
        assertThat(log.sizeInBytes()).isZero();
        logStart = logEnd;
        live.clear();
      }
    }

    void compact() {
      long now = clock.get();
      long activeBefore = log.activeSegment().baseOffset;
      long sealedEnd = 0;
      for (Segment s : log.sealedSegments()) {
        sealedEnd = Math.max(sealedEnd, s.nextOffset());
      }
      TreeMap<Long, Rec> before = new TreeMap<>(live);
      boolean cleaned;
      try {
        cleaned = manager.compactNow(NAME);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!cleaned) {
        assertThat(log.firstDirtyOffset)
            .as("nothing dirty below the active segment when the cleaner declines")
            .isGreaterThanOrEqualTo(sealedEnd);
        return;
      }
      long cleanedTo = log.firstDirtyOffset;
      assertThat(cleanedTo)
          .as("every sealed segment is cleaned (min.compaction.lag.ms=0)")
          .isGreaterThanOrEqualTo(sealedEnd);
      assertThat(cleanedTo)
          .as("the active segment (base %d) is never cleaned", activeBefore)
          .isLessThanOrEqualTo(log.activeSegment().baseOffset);

      // The model: below cleanedTo only the latest record of each key stays; a tombstone stays
      // until a pass after its delete horizon, which its first pass sets to now +
      // delete.retention.ms. Records from cleanedTo on are untouched.
      Map<String, Long> latestBelow = new HashMap<>();
      for (Rec r : before.headMap(cleanedTo).values()) {
        latestBelow.put(r.keyText(), r.offset());
      }
      for (Rec r : before.headMap(cleanedTo).values()) {
        boolean superseded = latestBelow.get(r.keyText()) != r.offset();
        Long horizon = horizons.get(r.offset());
        boolean expiredTombstone = r.value() == null && horizon != null && now >= horizon;
        if (superseded || expiredTombstone) {
          live.remove(r.offset());
          tombstonesDropped += !superseded ? 1 : 0;
        } else if (r.value() == null && horizon == null) {
          horizons.put(r.offset(), now + cfg.deleteRetentionMs());
        }
      }

      if (live.size() < before.size()) {
        compactionRemovals++;
      }

      // The guarantees in the words a user would use, checked on what is read back.
      Map<Long, String> after = new TreeMap<>();
      Map<String, Long> seenBelow = new HashMap<>();
      for (Batch b : readAllBatches()) {
        for (Record r : b.records()) {
          if (r.offset() < logStart) {
            continue;
          }
          after.put(r.offset(), render(r));
          if (r.offset() < cleanedTo) {
            String key = HEX.formatHex(r.keyBytes());
            assertThat(seenBelow.put(key, r.offset()))
                .as("a second record of key %s below %d, at %d", key, cleanedTo, r.offset())
                .isNull();
          }
        }
      }
      Map<String, Rec> latestPerKey = new LinkedHashMap<>();
      for (Rec r : before.values()) {
        latestPerKey.put(r.keyText(), r);
      }
      for (Rec latest : latestPerKey.values()) {
        Long horizon = horizons.get(latest.offset());
        boolean mayBeGone =
            latest.value() == null
                && latest.offset() < cleanedTo
                && horizon != null
                && now >= horizon;
        if (!mayBeGone) {
          assertThat(after.get(latest.offset()))
              .as("latest record of key %s", latest.keyText())
              .isEqualTo(latest.render());
        }
      }
      for (Rec r : before.tailMap(cleanedTo).values()) {
        assertThat(after.get(r.offset()))
            .as("untouched record above %d", cleanedTo)
            .isEqualTo(r.render());
      }
    }

    void reopen(boolean unclean) {
      List<Batch> before = readAllBatches();
      long start = log.logStartOffset();
      long end = log.logEndOffset();
      rolledBeforeRestarts += manager.stats().segmentsRolled();
      try {
        manager.close();
        assertThat(root.resolve(LogManager.CLEAN_SHUTDOWN)).exists();
        if (unclean) {
          Files.delete(root.resolve(LogManager.CLEAN_SHUTDOWN));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      openManager();
      if (unclean) {
        uncleanReopens++;
      } else {
        cleanReopens++;
      }
      assertThat(manager.wasCleanStart()).isEqualTo(!unclean);
      assertThat(log.logStartOffset()).as("log start after reopen").isEqualTo(start);
      assertThat(log.logEndOffset()).as("log end after reopen").isEqualTo(end);
      assertThat(log.durableOffset()).isEqualTo(end);
      List<Batch> after = readAllBatches();
      assertThat(after.stream().map(LogModelPropertyTest::describe).toList())
          .as("batches after reopen")
          .containsExactlyElementsOf(before.stream().map(LogModelPropertyTest::describe).toList());
    }

    // ---- whole-log check ------------------------------------------------------------------------

    /** Reads every batch from the log start to the end, in 2 KiB reads. */
    List<Batch> readAllBatches() {
      List<Batch> out = new ArrayList<>();
      long next = log.logStartOffset();
      long end = log.logEndOffset();
      while (next < end) {
        try (LogSlice slice = log.read(next, 2048)) {
          if (slice.isEmpty()) {
            break;
          }
          List<Batch> batches = parse(slice.readWholeBatches());
          assertThat(batches).as("whole batches read at %d", next).isNotEmpty();
          assertThat(batches.getFirst().last()).isGreaterThanOrEqualTo(next);
          out.addAll(batches);
          next = batches.getLast().last() + 1;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return out;
    }

    void checkAgainstHistory(List<Batch> batches) {
      long previousLast = Long.MIN_VALUE;
      for (Batch b : batches) {
        assertThat(b.crcOk()).as("CRC of the batch at %d", b.base()).isTrue();
        assertThat(b.base()).as("batches in offset order").isGreaterThan(previousLast);
        assertThat(b.records()).as("records of the batch at %d", b.base()).isNotEmpty();
        previousLast = b.last();
        long previous = b.base() - 1;
        for (Record r : b.records()) {
          assertThat(r.offset()).isGreaterThan(previous).isLessThanOrEqualTo(b.last());
          previous = r.offset();
          Rec appended = history.get(r.offset());
          assertThat(appended).as("record at %d was appended", r.offset()).isNotNull();
          assertThat(render(r)).isEqualTo(appended.render());
          assertThat(b.codec())
              .as("codec of the batch holding %d", r.offset())
              .isEqualTo(appended.codec());
        }
      }
    }

    void checkWholeLog() {
      assertThat(log.logStartOffset()).as("log start").isEqualTo(logStart);
      assertThat(log.logEndOffset()).as("log end").isEqualTo(logEnd);
      List<Batch> batches = readAllBatches();
      checkAgainstHistory(batches);
      List<String> visible =
          batches.stream()
              .flatMap(b -> b.records().stream())
              .filter(r -> r.offset() >= logStart)
              .map(LogModelPropertyTest::render)
              .toList();
      assertThat(visible)
          .as("records from the log start")
          .containsExactlyElementsOf(live.values().stream().map(Rec::render).toList());
      // Leases are short; at most the writer, the flusher and one reader hold one at a time.
      assertThat(manager.openFileCount()).isLessThanOrEqualTo(setup.maxOpenFiles() + 3);
    }
  }

  static String describe(Batch b) {
    return b.base()
        + ".."
        + b.last()
        + " "
        + b.size()
        + "B "
        + b.codec()
        + " "
        + b.records().stream().map(LogModelPropertyTest::render).toList();
  }
}
