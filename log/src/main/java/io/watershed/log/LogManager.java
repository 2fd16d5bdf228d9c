package io.watershed.log;

import io.watershed.log.format.Record;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All partition logs under one root directory, with the threads, file handles and background work
 * they share.
 *
 * <pre>
 * root/
 *   partitions/&lt;name&gt;/          one directory per partition (segments, indexes, log-start-offset)
 *   trash/                        partitions being deleted
 *   recovery-point-checkpoint     per partition, the offset below which data was fsynced
 *   .clean-shutdown               present only between a clean close and the next open
 *   .lock                         locked while a manager has the root open
 * </pre>
 *
 * <p>{@code recovery-point-checkpoint} is text, replaced atomically (temp file, fsync, rename): the
 * format version {@code 0} on the first line, the number of partitions on the second, then one line
 * per partition, {@code <name> <offset>}. A file that does not parse is ignored, which only costs a
 * longer recovery scan. A partition directory's {@code log-start-offset} is one decimal line,
 * replaced the same way.
 *
 * <p>Opening is cheap after a clean shutdown: partitions load lazily on first use. After an unclean
 * shutdown every partition is recovered from its recovery point before {@link #open} returns.
 *
 * <p>Thread-safe.
 */
public final class LogManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogManager.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,255}");
  static final String CLEAN_SHUTDOWN = ".clean-shutdown";
  static final String CHECKPOINT = "recovery-point-checkpoint";

  private final LogManagerConfig config;
  private final Path partitionsDir;
  private final Path trashDir;
  private final FileHandlePool pool;
  private final ExecutorService writers;
  private final ExecutorService flushers;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService cleanerThread;
  private final LogContext ctx;
  private final LogCleaner cleaner;
  private final LogStats stats = new LogStats();
  private final Map<String, PartitionLog> partitions = new ConcurrentHashMap<>();
  private final Map<String, Long> checkpointed = new ConcurrentHashMap<>();
  private final boolean cleanStart;
  private final FileChannel lockChannel;
  private volatile boolean closed;

  private LogManager(LogManagerConfig config, FileHandlePool.ChannelOpener opener)
      throws IOException {
    this.config = config;
    Path root = config.root();
    this.partitionsDir = root.resolve("partitions");
    this.trashDir = root.resolve("trash");
    boolean fresh = !Files.exists(partitionsDir);
    Files.createDirectories(partitionsDir);
    Files.createDirectories(trashDir);
    this.lockChannel = lock(root);
    this.pool = new FileHandlePool(config.maxOpenFiles(), opener);
    this.writers = Executors.newFixedThreadPool(config.writerThreads(), threads("log-writer"));
    this.flushers = Executors.newFixedThreadPool(config.flusherThreads(), threads("log-flusher"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(threads("log-scheduler"));
    this.cleanerThread = Executors.newSingleThreadExecutor(threads("log-cleaner"));
    this.ctx = new LogContext(pool, writers, flushers, config.clock(), config.flushPolicy(), stats);
    this.cleaner = new LogCleaner(config.clock());

    Path marker = root.resolve(CLEAN_SHUTDOWN);
    this.cleanStart = fresh || Files.exists(marker);
    checkpointed.putAll(readCheckpoint(root.resolve(CHECKPOINT)));
    emptyTrash();
    openPartitions();
    if (Files.exists(marker)) {
      Files.delete(marker);
      PartitionLog.fsyncDirectory(root);
    }
    schedule();
  }

  /** Holds an exclusive lock on {@code root/.lock} so that two processes never share a log. */
  private static FileChannel lock(Path root) throws IOException {
    FileChannel ch =
        FileChannel.open(
            root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      if (ch.tryLock() == null) {
        throw new IOException(root + " is in use by another process");
      }
    } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
      ch.close();
      throw new IOException(root + " is in use by another process", e);
    }
    return ch;
  }

  /**
   * Opens (creating if needed) the log root and recovers it if it was not shut down cleanly.
   *
   * @throws IOException when the directory cannot be used
   */
  public static LogManager open(LogManagerConfig config) throws IOException {
    return new LogManager(config, FileHandlePool.READ_WRITE);
  }

  /** Opens with segment files opened by {@code opener}: for tests that inject I/O failures. */
  static LogManager open(LogManagerConfig config, FileHandlePool.ChannelOpener opener)
      throws IOException {
    return new LogManager(config, opener);
  }

  /** What the engine has done since it opened. */
  public LogStats stats() {
    return stats;
  }

  /** Whether the previous shutdown was clean (no recovery scan was needed). */
  public boolean wasCleanStart() {
    return cleanStart;
  }

  public LogManagerConfig config() {
    return config;
  }

  private void openPartitions() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(partitionsDir)) {
      for (Path d : dirs) {
        if (Files.isDirectory(d) && NAME.matcher(d.getFileName().toString()).matches()) {
          names.add(d.getFileName().toString());
        }
      }
    }
    for (String name : names) {
      long recoveryPoint = cleanStart ? -1 : checkpointed.getOrDefault(name, 0L);
      partitions.put(
          name,
          new PartitionLog(
              name, partitionsDir.resolve(name), config.defaults(), ctx, recoveryPoint));
    }
    if (!cleanStart && !names.isEmpty()) {
      LOG.warn("unclean shutdown detected: recovering {} partition(s)", names.size());
      long started = System.nanoTime();
      ExecutorService recovery =
          Executors.newFixedThreadPool(
              Math.max(1, Runtime.getRuntime().availableProcessors()), threads("log-recovery"));
      try {
        List<Future<?>> done = new ArrayList<>();
        for (PartitionLog p : partitions.values()) {
          done.add(recovery.submit(p::load));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } catch (Exception e) {
        throw new IOException("recovery failed: " + e.getMessage(), e);
      } finally {
        recovery.shutdown();
      }
      LOG.info(
          "recovery finished in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
  }

  private void schedule() {
    scheduler.scheduleWithFixedDelay(
        this::retentionPass,
        config.retentionCheckIntervalMs(),
        config.retentionCheckIntervalMs(),
        TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        this::checkpointQuietly,
        config.checkpointIntervalMs(),
        config.checkpointIntervalMs(),
        TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        () -> cleanerThread.execute(this::cleanerPass),
        config.cleanerIntervalMs(),
        config.cleanerIntervalMs(),
        TimeUnit.MILLISECONDS);
    // A partition fenced by a failed write (a full disk) resumes once the disk takes writes again,
    // whether or not appends come to find out.
    scheduler.scheduleWithFixedDelay(
        () -> partitions.values().forEach(PartitionLog::retryWritesIfFenced),
        PartitionLog.WRITE_RETRY_MS,
        PartitionLog.WRITE_RETRY_MS,
        TimeUnit.MILLISECONDS);
    if (config.flushPolicy() instanceof FlushPolicy.Interval interval) {
      scheduler.scheduleWithFixedDelay(
          () -> partitions.values().forEach(PartitionLog::flushIfDirty),
          interval.intervalMs(),
          interval.intervalMs(),
          TimeUnit.MILLISECONDS);
    }
  }

  // ---- partitions -------------------------------------------------------------------------

  /**
   * The partition called {@code name}, created if it does not exist, with {@code logConfig}
   * installed. Its files are opened (and its directory created) lazily, on first use.
   *
   * @throws IllegalArgumentException when the name is not 1-255 of {@code [A-Za-z0-9._-]}
   */
  public PartitionLog partition(String name, LogConfig logConfig) {
    checkOpen();
    if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("invalid partition name '" + name + "'");
    }
    PartitionLog log =
        partitions.computeIfAbsent(
            name, n -> new PartitionLog(n, partitionsDir.resolve(n), logConfig, ctx, -1));
    log.updateConfig(logConfig);
    return log;
  }

  /** The partition called {@code name}, if it exists. */
  public Optional<PartitionLog> get(String name) {
    return Optional.ofNullable(partitions.get(name));
  }

  /** Names of all partitions, sorted. */
  public Set<String> names() {
    return new TreeSet<>(partitions.keySet());
  }

  /**
   * Deletes a partition: appends in flight fail, its directory moves to the trash at once and is
   * removed in the background.
   */
  public void delete(String name) throws IOException {
    PartitionLog log = partitions.remove(name);
    if (log == null) {
      return;
    }
    log.abandon();
    log.maintenance.lock();
    try {
      for (Segment s : log.segmentsView()) {
        pool.retire(s.file, false);
      }
      Path dir = partitionsDir.resolve(name);
      if (Files.exists(dir)) {
        Path target = trashDir.resolve(name + "-" + System.nanoTime());
        Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
        PartitionLog.fsyncDirectory(partitionsDir);
        scheduler.execute(() -> deleteTree(target));
      }
      checkpointed.remove(name);
    } finally {
      log.maintenance.unlock();
    }
  }

  private void emptyTrash() {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(trashDir)) {
      for (Path d : dirs) {
        deleteTree(d);
      }
    } catch (IOException e) {
      LOG.warn("cannot empty {}: {}", trashDir, e.toString());
    }
  }

  private static void deleteTree(Path root) {
    try {
      DurableFiles.deleteTree(root);
    } catch (IOException e) {
      LOG.warn("cannot delete {}: {}", root, e.toString());
    }
  }

  // ---- background work ----------------------------------------------------------------------

  /** Runs retention on every partition now; returns the number of segments deleted. */
  public int retentionPass() {
    int deleted = 0;
    for (PartitionLog p : partitions.values()) {
      try {
        deleted += p.enforceRetention();
      } catch (RuntimeException e) {
        LOG.warn("{}: retention failed: {}", p.name(), e.toString());
      }
    }
    return deleted;
  }

  /** Compacts every partition that is due now; returns the number of partitions compacted. */
  public int cleanerPass() {
    int cleaned = 0;
    for (PartitionLog p : partitions.values()) {
      if (closed) {
        break;
      }
      try {
        if (p.isLoaded() && p.config().cleanupCompact() && cleaner.clean(p, false)) {
          stats.segmentsCompacted.increment();
          cleaned++;
        }
      } catch (RuntimeException | IOException e) {
        LOG.warn("{}: compaction failed: {}", p.name(), e.toString());
      }
    }
    return cleaned;
  }

  /**
   * Rewrites the sealed segments of one partition keeping only the records {@code keep} accepts
   * (offsets unchanged, crash-safe as compaction is, appends never blocked): for owners of a log
   * who decide what is garbage themselves, like the event store's scavenge. Runs on the caller's
   * thread.
   *
   * @return bytes reclaimed, 0 when the partition is unknown
   */
  public long retainRecords(String name, Predicate<Record> keep) throws IOException {
    PartitionLog p = partitions.get(name);
    return p == null ? 0 : cleaner.retain(p, keep);
  }

  /** Compacts one partition now regardless of its dirty ratio. For tests and tools. */
  public boolean compactNow(String name) throws IOException {
    PartitionLog p = partitions.get(name);
    return p != null && cleaner.clean(p, true);
  }

  /**
   * Skips every damaged range of partition {@code name} on an operator's request (see {@link
   * LogCleaner#skipDamage}): the damaged bytes are removed and reads and appends go on past them.
   *
   * @return the ranges skipped; empty when the partition is intact or unknown
   */
  public List<LogDamage> skipDamage(String name) throws IOException {
    PartitionLog p = partitions.get(name);
    return p == null ? List.of() : cleaner.skipDamage(p);
  }

  private void checkpointQuietly() {
    try {
      checkpoint();
    } catch (IOException e) {
      LOG.warn("cannot write {}: {}", CHECKPOINT, e.toString());
    }
  }

  /**
   * Writes every partition's recovery point.
   *
   * <pre>
   * Text, one entry per line, written to a temp file, fsynced and renamed:
   *   line 1: format version (0)
   *   line 2: number of entries
   *   then:   &lt;partition name&gt; &lt;recovery point offset&gt;
   * </pre>
   */
  synchronized void checkpoint() throws IOException {
    for (PartitionLog p : partitions.values()) {
      long point = p.recoveryPointIfLoaded();
      if (point >= 0) {
        checkpointed.put(p.name(), point);
      }
    }
    StringBuilder text = new StringBuilder("0\n").append(checkpointed.size()).append('\n');
    for (Map.Entry<String, Long> e : new java.util.TreeMap<>(checkpointed).entrySet()) {
      text.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
    }
    Path file = config.root().resolve(CHECKPOINT);
    writeDurably(file, text.toString());
  }

  private static Map<String, Long> readCheckpoint(Path file) {
    Map<String, Long> out = new HashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.size() < 2 || !lines.get(0).equals("0")) {
        LOG.warn("ignoring {} with unknown format", file);
        return out;
      }
      int n = Integer.parseInt(lines.get(1).trim());
      for (int i = 0; i < n && i + 2 < lines.size(); i++) {
        String[] parts = lines.get(i + 2).split(" ");
        out.put(parts[0], Long.parseLong(parts[1]));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring unreadable {}: {}", file, e.toString());
      out.clear();
    }
    return out;
  }

  private static void writeDurably(Path file, String content) throws IOException {
    DurableFiles.writeAtomically(
        file, ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), true);
  }

  private void checkOpen() {
    if (closed) {
      throw new LogClosedException("log manager is closed");
    }
  }

  int openFileCount() {
    return pool.openCount();
  }

  /**
   * Closes every partition (finishing queued appends, fsyncing, writing index files), writes the
   * recovery points and, when everything closed cleanly, the clean-shutdown marker.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.shutdownNow();
    cleaner.stop();
    cleanerThread.shutdown();
    try {
      cleanerThread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    boolean clean = closePartitions();
    writers.shutdown();
    flushers.shutdown();
    try {
      writers.awaitTermination(10, TimeUnit.SECONDS);
      flushers.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      checkpoint();
    } catch (IOException e) {
      clean = false;
      LOG.warn("cannot write {} at shutdown: {}", CHECKPOINT, e.toString());
    }
    if (clean) {
      try {
        writeDurably(config.root().resolve(CLEAN_SHUTDOWN), "clean\n");
      } catch (IOException e) {
        LOG.warn("cannot write the clean-shutdown marker: {}", e.toString());
      }
    } else {
      LOG.warn("not all partitions closed cleanly; the next start will run recovery");
    }
    pool.closeAll();
    lockChannel.close();
  }

  /**
   * Closes every partition, many at a time: each may make up to four fsyncs (records, two index
   * files, the producer snapshot), which wait on the device, not the CPU, and overlap on an SSD's
   * queue. With 10,000 written partitions four closers took over 5 s, the stop's budget.
   */
  private boolean closePartitions() {
    ExecutorService closers =
        Executors.newFixedThreadPool(
            Math.max(CLOSE_THREADS, config.flusherThreads()), threads("log-close"));
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (PartitionLog p : partitions.values()) {
        results.add(closers.submit(() -> p.close(10_000)));
      }
      boolean clean = true;
      for (Future<Boolean> f : results) {
        try {
          clean &= f.get();
        } catch (Exception e) {
          clean = false;
          LOG.warn("closing a partition failed: {}", e.toString());
        }
      }
      return clean;
    } finally {
      closers.shutdown();
    }
  }

  /** Closers at a stop (threads that mostly wait for fsyncs). */
  static final int CLOSE_THREADS = 32;

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
