package io.watershed.log;

import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition log: a records file of batches named by its 20-digit base offset, with
 * a sparse offset index and a sparse time index.
 *
 * <p>States: a segment found on disk starts <em>unloaded</em> (only its base offset is known);
 * {@link #load} reads its index files, or rebuilds them by scanning when they are missing or do not
 * match the records file. A loaded segment read from disk is <em>unverified</em> until its first
 * read scans every batch's CRC ({@link #ensureVerified}), so that damage is found and cut off
 * before anything is served. Segments written or scanned by this process are verified.
 *
 * <p>Threading: the partition's writer alone appends ({@link #addBatch}, {@link #publish}); readers
 * use {@link #size()} and the indexes without locks. Loading, verifying and rebuilding synchronize
 * on the segment; the writer never touches a segment that is not loaded.
 */
final class Segment {
  private static final Logger LOG = LoggerFactory.getLogger(Segment.class);

  final long baseOffset;
  private final Path dir;
  private final FileHandlePool pool;
  final FileHandlePool.SegmentFile file;

  private volatile boolean loaded;
  private volatile boolean verified;
  private volatile SparseIndex offsetIndex = new SparseIndex();
  private volatile SparseIndex timeIndex = new SparseIndex();
  private volatile int size;
  private volatile long nextOffset;
  private volatile long maxTimestamp = RecordBatchLayout.NO_TIMESTAMP;
  private volatile long offsetOfMaxTimestamp = -1;
  private boolean deleted; // guarded by this

  /** Whether the index files on disk describe the current contents (nothing to write at close). */
  private volatile boolean indexFilesCurrent;

  private int lastBatchPosition = -1;
  private int lastBatchCrc;
  private int bytesSinceIndexEntry;
  private long createdMs;

  /** Index density used when indexes are rebuilt by a scan rather than by the writer. */
  private static final int REBUILD_INDEX_INTERVAL_BYTES = 4096;

  private Segment(long baseOffset, Path dir, FileHandlePool pool, Path file) {
    this.baseOffset = baseOffset;
    this.dir = dir;
    this.pool = pool;
    this.file = new FileHandlePool.SegmentFile(file);
    this.nextOffset = baseOffset;
  }

  private Segment(long baseOffset, Path dir, FileHandlePool pool) {
    this(baseOffset, dir, pool, logPath(dir, baseOffset));
  }

  /** A segment whose records file is at {@code file} for now (a compaction output). */
  static Segment existingAt(Path dir, long baseOffset, FileHandlePool pool, Path file) {
    return new Segment(baseOffset, dir, pool, file);
  }

  Path dirPath() {
    return dir;
  }

  static String fileStem(long baseOffset) {
    return String.format(Locale.ROOT, "%020d", baseOffset);
  }

  static Path logPath(Path dir, long baseOffset) {
    return dir.resolve(fileStem(baseOffset) + ".log");
  }

  static Path offsetIndexPath(Path dir, long baseOffset) {
    return dir.resolve(fileStem(baseOffset) + ".index");
  }

  static Path timeIndexPath(Path dir, long baseOffset) {
    return dir.resolve(fileStem(baseOffset) + ".timeindex");
  }

  /** Creates a new, empty segment file. */
  static Segment create(Path dir, long baseOffset, FileHandlePool pool, long nowMs)
      throws IOException {
    Segment s = new Segment(baseOffset, dir, pool);
    Files.newByteChannel(s.file.path(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
        .close();
    s.createdMs = nowMs;
    s.loaded = true;
    s.verified = true;
    return s;
  }

  /** A segment found on disk, not loaded yet. */
  static Segment existing(Path dir, long baseOffset, FileHandlePool pool) {
    return new Segment(baseOffset, dir, pool);
  }

  boolean isLoaded() {
    return loaded;
  }

  /**
   * Loads the index files, or rebuilds them from the records file when they are missing or disagree
   * with it (size, last batch CRC, or their own checks).
   */
  void load() throws IOException {
    if (loaded) {
      return;
    }
    synchronized (this) {
      if (loaded) {
        return;
      }
      Path path = file.path();
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      createdMs = attributes.creationTime().toMillis();
      long fileSize = attributes.size();
      SegmentIndexFiles.Loaded offsets =
          SegmentIndexFiles.read(
              offsetIndexPath(dir, baseOffset), SegmentIndexFiles.KIND_OFFSET, baseOffset);
      SegmentIndexFiles.Loaded times =
          SegmentIndexFiles.read(
              timeIndexPath(dir, baseOffset), SegmentIndexFiles.KIND_TIME, baseOffset);
      if (offsets != null
          && times != null
          && offsets.summary().equals(times.summary())
          && offsets.summary().sizeInBytes() == fileSize
          && lastBatchMatches(offsets.summary())) {
        install(offsets.summary(), offsets.index(), times.index());
        indexFilesCurrent = true;
        loaded = true;
        return;
      }
      LOG.info(
          "{}: index files missing or stale, rebuilding from the records file", path.getFileName());
      rebuild(Long.MIN_VALUE);
      loaded = true;
    }
  }

  /**
   * Recovery after an unclean shutdown: scans every batch with CRC checks, rebuilds the indexes and
   * truncates at the first torn or invalid batch.
   *
   * @return bytes cut off the tail
   */
  synchronized long recover(long minOffset) throws IOException {
    createdMs =
        Files.readAttributes(file.path(), BasicFileAttributes.class).creationTime().toMillis();
    long dropped = rebuild(minOffset);
    loaded = true;
    return dropped;
  }

  /** Loads the segment and, the first time, checks every batch's CRC, cutting off damage. */
  void ensureVerified() throws IOException {
    if (verified) {
      return;
    }
    load();
    synchronized (this) {
      if (!verified) {
        rebuild(Long.MIN_VALUE);
      }
    }
  }

  boolean isVerified() {
    return verified;
  }

  /**
   * Scans the whole records file with CRC checks, rebuilds both indexes, and truncates the file at
   * the first torn or invalid batch. Caller holds the segment's lock or owns it exclusively.
   *
   * @param minOffset the smallest base offset a batch may have (the previous segment's end)
   * @return bytes cut off the tail
   */
  long rebuild(long minOffset) throws IOException {
    offsetIndex = new SparseIndex();
    timeIndex = new SparseIndex();
    maxTimestamp = RecordBatchLayout.NO_TIMESTAMP;
    offsetOfMaxTimestamp = -1;
    lastBatchPosition = -1;
    lastBatchCrc = 0;
    bytesSinceIndexEntry = 0;
    SegmentScanner.Result result;
    long fileSize;
    try (FileHandlePool.Lease lease = pool.acquire(file)) {
      FileChannel ch = lease.channel();
      fileSize = ch.size();
      result =
          SegmentScanner.scan(
              ch,
              0,
              fileSize,
              Math.max(minOffset, baseOffset),
              true,
              (position, batch) -> {
                long batchMax = RecordBatchLayout.maxTimestamp(batch, 0);
                addBatch(
                    position,
                    batch.remaining(),
                    RecordBatchLayout.baseOffset(batch, 0),
                    batchMax,
                    batchMax > maxTimestamp ? offsetOfMaxTimestamp(batch) : -1,
                    RecordBatchLayout.storedCrc(batch, 0),
                    REBUILD_INDEX_INTERVAL_BYTES);
              });
      if (result.problem() != null) {
        indexFilesCurrent = false;
        LOG.warn(
            "{}: {}; truncating {} bytes at position {} (offsets from {} on are dropped)",
            file.path().getFileName(),
            result.problem(),
            fileSize - result.validEnd(),
            result.validEnd(),
            result.nextOffset());
        ch.truncate(result.validEnd());
        ch.force(true);
      }
    }
    publish(result.validEnd(), result.validEnd() == 0 ? baseOffset : result.nextOffset());
    verified = true;
    return fileSize - result.validEnd();
  }

  private void install(SegmentSummary s, SparseIndex offsets, SparseIndex times) {
    offsetIndex = offsets;
    timeIndex = times;
    size = s.sizeInBytes();
    nextOffset = s.nextOffset();
    lastBatchPosition = s.lastBatchPosition();
    lastBatchCrc = s.lastBatchCrc();
    maxTimestamp = s.maxTimestamp();
    offsetOfMaxTimestamp = s.offsetOfMaxTimestamp();
    bytesSinceIndexEntry = 0;
  }

  private boolean lastBatchMatches(SegmentSummary s) throws IOException {
    if (s.lastBatchPosition() < 0) {
      return s.sizeInBytes() == 0 && s.nextOffset() == baseOffset;
    }
    ByteBuffer header = ByteBuffer.allocate(RecordBatchLayout.HEADER_SIZE);
    try (FileHandlePool.Lease lease = pool.acquire(file)) {
      if (readFully(lease.channel(), header, s.lastBatchPosition()) < header.capacity()) {
        return false;
      }
    }
    return RecordBatchLayout.storedCrc(header, 0) == s.lastBatchCrc()
        && s.lastBatchPosition() + RecordBatchLayout.sizeInBytes(header, 0) == s.sizeInBytes()
        && RecordBatchLayout.lastOffset(header, 0) + 1 == s.nextOffset();
  }

  /** Offset of the first record holding the batch's max timestamp. */
  static long offsetOfMaxTimestamp(ByteBuffer batch) {
    long base = RecordBatchLayout.baseOffset(batch, 0);
    if (RecordBatchLayout.isLogAppendTime(batch, 0)) {
      return base;
    }
    long max = RecordBatchLayout.maxTimestamp(batch, 0);
    long[] found = {base};
    try {
      boolean[] done = {false};
      RecordLayout.forEachRecord(
          batch,
          0,
          r -> {
            if (!done[0] && r.timestamp() == max) {
              found[0] = r.offset();
              done[0] = true;
            }
          });
    } catch (LogException e) {
      return base; // A batch whose records do not parse still has a valid CRC; keep its base.
    }
    return found[0];
  }

  // ---- writer side -------------------------------------------------------------------------

  /** Records a batch written at {@code position}; the writer publishes it with {@link #publish}. */
  void addBatch(
      int position,
      int batchSize,
      long batchBaseOffset,
      long batchMaxTimestamp,
      long batchOffsetOfMax,
      int crc,
      int indexIntervalBytes) {
    long relative = batchBaseOffset - baseOffset;
    if (offsetIndex.count() == 0 || bytesSinceIndexEntry >= indexIntervalBytes) {
      offsetIndex.append(relative, position);
      long max = maxTimestamp;
      if (max > timeIndex.lastKey() && max >= 0 && offsetIndex.count() > 1) {
        timeIndex.append(max, relative);
      }
      bytesSinceIndexEntry = 0;
    }
    bytesSinceIndexEntry += batchSize;
    if (batchMaxTimestamp > maxTimestamp) {
      maxTimestamp = batchMaxTimestamp;
      offsetOfMaxTimestamp = batchOffsetOfMax;
    }
    lastBatchPosition = position;
    lastBatchCrc = crc;
    indexFilesCurrent = false;
  }

  /** Makes batches up to {@code newSize} bytes and {@code newNextOffset} visible to readers. */
  void publish(int newSize, long newNextOffset) {
    nextOffset = newNextOffset;
    size = newSize;
  }

  /** Cuts the file back after a failed write, so the torn bytes are never read. Writer only. */
  void truncateAfterFailedWrite(FileChannel ch) throws IOException {
    ch.truncate(size);
  }

  long createdMs() {
    return createdMs;
  }

  // ---- readers ------------------------------------------------------------------------------

  /** Bytes of valid batches; readers never read past it. */
  int size() {
    return size;
  }

  long nextOffset() {
    return nextOffset;
  }

  long maxTimestamp() {
    return maxTimestamp;
  }

  long offsetOfMaxTimestamp() {
    return offsetOfMaxTimestamp;
  }

  boolean isEmpty() {
    return size == 0;
  }

  SegmentSummary summary() {
    return new SegmentSummary(
        baseOffset,
        size,
        nextOffset,
        lastBatchPosition,
        lastBatchCrc,
        maxTimestamp,
        offsetOfMaxTimestamp);
  }

  /** Location of a batch in the file. */
  record BatchLocation(int position, int size, long baseOffset, long lastOffset) {}

  /**
   * Finds the first batch whose last offset is at least {@code offset}, reading batch headers from
   * the nearest index entry. Returns null when every batch ends before it.
   */
  BatchLocation locate(FileChannel ch, long offset, int limit) throws IOException {
    int i = offsetIndex.floor(offset - baseOffset, false);
    int position = i < 0 ? 0 : (int) offsetIndex.value(i);
    return scanFrom(ch, position, limit, b -> b.lastOffset() >= offset);
  }

  private BatchLocation scanFrom(
      FileChannel ch, int position, int limit, java.util.function.Predicate<BatchLocation> stop)
      throws IOException {
    ByteBuffer header = ByteBuffer.allocate(RecordBatchLayout.HEADER_SIZE);
    while (position + RecordBatchLayout.HEADER_SIZE <= limit) {
      header.clear();
      if (readFully(ch, header, position) < header.capacity()) {
        return null;
      }
      BatchLocation b =
          new BatchLocation(
              position,
              RecordBatchLayout.sizeInBytes(header, 0),
              RecordBatchLayout.baseOffset(header, 0),
              RecordBatchLayout.lastOffset(header, 0));
      if (stop.test(b)) {
        return b;
      }
      position += b.size();
    }
    return null;
  }

  /**
   * Reads from the batch holding {@code offset}: the slice starts at that batch and spans at least
   * that batch and at most {@code max(maxBytes, its size)} bytes. Null when the segment holds no
   * batch ending at or after {@code offset}.
   */
  LogSlice read(long offset, int maxBytes, boolean minOneBatch) throws IOException {
    ensureVerified();
    int limit = size;
    FileHandlePool.Lease lease = pool.acquire(file);
    try {
      BatchLocation b = locate(lease.channel(), offset, limit);
      if (b == null) {
        lease.close();
        return null;
      }
      if (!minOneBatch && b.size() > maxBytes) {
        lease.close();
        return LogSlice.empty();
      }
      int length = Math.min(limit - b.position(), Math.max(maxBytes, b.size()));
      return new LogSlice(lease, b.position(), length, b.baseOffset());
    } catch (IOException | RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  /** First record with a timestamp at or after {@code timestamp}, or null when none is here. */
  TimestampOffset findByTimestamp(long timestamp, long minOffset) throws IOException {
    ensureVerified();
    if (maxTimestamp < timestamp) {
      return null;
    }
    int limit = size;
    int t = timeIndex.floor(timestamp, true);
    long startOffset = Math.max(minOffset, t < 0 ? baseOffset : baseOffset + timeIndex.value(t));
    try (FileHandlePool.Lease lease = pool.acquire(file)) {
      FileChannel ch = lease.channel();
      BatchLocation b = locate(ch, startOffset, limit);
      while (b != null) {
        ByteBuffer batch = ByteBuffer.allocate(b.size());
        readFully(ch, batch, b.position());
        if (RecordBatchLayout.maxTimestamp(batch, 0) >= timestamp) {
          for (io.watershed.log.format.Record r : RecordLayout.readRecords(batch, 0)) {
            if (r.offset() >= startOffset && r.timestamp() >= timestamp) {
              return new TimestampOffset(r.timestamp(), r.offset());
            }
          }
        }
        int next = b.position() + b.size();
        b = scanFrom(ch, next, limit, x -> true);
      }
    }
    return null;
  }

  /**
   * The record with the largest timestamp among those at or after {@code minOffset} (the earliest
   * such), by reading them; null when there is none.
   */
  TimestampOffset maxTimestampFrom(long minOffset) throws IOException {
    ensureVerified();
    int limit = size;
    TimestampOffset best = null;
    try (FileHandlePool.Lease lease = pool.acquire(file)) {
      FileChannel ch = lease.channel();
      BatchLocation b = locate(ch, minOffset, limit);
      while (b != null) {
        ByteBuffer header = ByteBuffer.allocate(RecordBatchLayout.HEADER_SIZE);
        readFully(ch, header, b.position());
        if (best == null || RecordBatchLayout.maxTimestamp(header, 0) > best.timestamp()) {
          ByteBuffer batch = ByteBuffer.allocate(b.size());
          readFully(ch, batch, b.position());
          for (io.watershed.log.format.Record r : RecordLayout.readRecords(batch, 0)) {
            if (r.offset() >= minOffset && (best == null || r.timestamp() > best.timestamp())) {
              best = new TimestampOffset(r.timestamp(), r.offset());
            }
          }
        }
        b = scanFrom(ch, b.position() + b.size(), limit, x -> true);
      }
    }
    return best;
  }

  // ---- maintenance ---------------------------------------------------------------------------

  /** fdatasync of the records file. */
  void force() throws IOException {
    try (FileHandlePool.Lease lease = pool.acquire(file)) {
      lease.channel().force(false);
    }
  }

  /** Writes both index files for the current contents; the segment must no longer grow. */
  void writeIndexFiles() throws IOException {
    SegmentSummary s = summary();
    SegmentIndexFiles.write(
        offsetIndexPath(dir, baseOffset), SegmentIndexFiles.KIND_OFFSET, s, offsetIndex);
    SegmentIndexFiles.write(
        timeIndexPath(dir, baseOffset), SegmentIndexFiles.KIND_TIME, s, timeIndex);
    indexFilesCurrent = true;
  }

  boolean indexFilesCurrent() {
    return indexFilesCurrent;
  }

  /** Writes the index files unless the segment was deleted or replaced meanwhile. */
  synchronized void writeIndexFilesIfPresent() throws IOException {
    if (!deleted) {
      writeIndexFiles();
    }
  }

  /**
   * Marks the segment replaced by a compacted copy at the same path: no new lease is granted and
   * its index files are never written again.
   */
  synchronized void retireReplaced() throws IOException {
    deleted = true;
    pool.retire(file, false);
  }

  /** Removes the records file and its indexes; open leases keep reading until released. */
  synchronized void delete() throws IOException {
    deleted = true;
    pool.retire(file, true);
    Files.deleteIfExists(offsetIndexPath(dir, baseOffset));
    Files.deleteIfExists(timeIndexPath(dir, baseOffset));
  }

  /** Reads until {@code buf} is full or the file ends, then flips it; returns bytes read. */
  static int readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long at = position;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at);
      if (n < 0) {
        break;
      }
      at += n;
    }
    buf.flip();
    return buf.limit();
  }

  @Override
  public String toString() {
    return file.path().getFileName().toString();
  }
}
