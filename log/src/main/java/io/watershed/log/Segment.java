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
import java.util.ArrayList;
import java.util.List;
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
 * read scans every batch's CRC ({@link #ensureVerified}), so that damage is found before anything
 * is served. Segments written or scanned by this process are verified.
 *
 * <h2>Damage</h2>
 *
 * A verification never cuts data off: a range of bytes that is not an intact batch, with intact
 * batches on either side, is recorded as a {@link LogDamage} and fenced — reads of its offsets fail
 * with {@link LogDamagedException}, reads below and above it go on, and compaction leaves the
 * segment alone — until an operator skips it on purpose ({@link LogCleaner#skipDamage}). Only crash
 * recovery may truncate, and only a torn tail: damage running to the end of the file that starts at
 * or after the recovery point (data never acknowledged as durable).
 *
 * <p>The size of a damaged segment covers its damaged bytes too; {@link #locate} and {@link #read}
 * step over them. Invariant: the end offset of a damaged range is known (stated by the next intact
 * batch, the segment's index files, the recovery point or the next segment's base offset) unless
 * the damage is the tail of the partition's last segment, which then refuses appends.
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

  /** Damaged ranges found by the last verification, in file order; empty when intact. */
  private volatile List<LogDamage> damages = List.of();

  /** The next segment's base offset (where this one's offsets end at the latest), or -1. */
  private volatile long followingBase = -1;

  /** The next offset the index files stated when loaded (checked by the first verification). */
  private long indexedNextOffset = -1;

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
      // Index files intact in themselves still state where the segment's offsets ended, which
      // bounds damage at the end of the records file.
      long indexedEnd =
          offsets != null && times != null && offsets.summary().equals(times.summary())
              ? offsets.summary().nextOffset()
              : -1;
      rebuild(Long.MIN_VALUE, Long.MAX_VALUE, Math.max(indexedEnd, followingBase));
      loaded = true;
    }
  }

  /**
   * Recovery after an unclean shutdown: scans every batch with CRC checks and rebuilds the indexes.
   * A torn tail whose first offset is at least {@code truncatableFrom} is cut off; any other damage
   * is fenced.
   *
   * @param minOffset the smallest base offset a batch may have (the previous segment's end)
   * @param truncatableFrom the recovery point: data from here on was never promised durable
   * @param knownEnd an offset the segment is known to have reached (the recovery point when it lies
   *     in this segment, or the next segment's base), or -1
   * @return bytes cut off the tail
   */
  synchronized long recover(long minOffset, long truncatableFrom, long knownEnd)
      throws IOException {
    createdMs =
        Files.readAttributes(file.path(), BasicFileAttributes.class).creationTime().toMillis();
    long dropped = rebuild(minOffset, truncatableFrom, Math.max(knownEnd, followingBase));
    loaded = true;
    return dropped;
  }

  /** Loads the segment and, the first time, checks every batch's CRC, fencing any damage. */
  void ensureVerified() throws IOException {
    if (verified) {
      return;
    }
    load();
    synchronized (this) {
      if (!verified) {
        rebuild(Long.MIN_VALUE, Long.MAX_VALUE, Math.max(indexedNextOffset, followingBase));
      }
    }
  }

  /** Damaged ranges found by the last verification (none before the segment is verified). */
  List<LogDamage> damages() {
    return damages;
  }

  /** The damage running to the end of this file, or null. */
  LogDamage tailDamage() {
    List<LogDamage> d = damages;
    if (d.isEmpty()) {
      return null;
    }
    LogDamage last = d.getLast();
    return last.position() + (long) last.length() == size ? last : null;
  }

  /** Tells the segment where the next one starts, which bounds a damaged tail's offsets. */
  void setFollowingBase(long base) {
    followingBase = base;
  }

  long followingBase() {
    return followingBase;
  }

  boolean isVerified() {
    return verified;
  }

  /**
   * Scans the whole records file with CRC checks and rebuilds both indexes. Damage is fenced; a
   * torn tail (damage running to the end of the file) whose first offset is at least {@code
   * truncatableFrom} is cut off instead. Caller holds the segment's lock or owns it exclusively.
   *
   * @param minOffset the smallest base offset a batch may have (the previous segment's end)
   * @param truncatableFrom offsets from which a torn tail may be cut (Long.MAX_VALUE: never)
   * @param knownEnd an offset the segment is known to reach, or -1; bounds a fenced tail
   * @return bytes cut off the tail
   */
  long rebuild(long minOffset, long truncatableFrom, long knownEnd) throws IOException {
    offsetIndex = new SparseIndex();
    timeIndex = new SparseIndex();
    maxTimestamp = RecordBatchLayout.NO_TIMESTAMP;
    offsetOfMaxTimestamp = -1;
    lastBatchPosition = -1;
    lastBatchCrc = 0;
    bytesSinceIndexEntry = 0;
    SegmentScanner.Result result;
    long fileSize;
    int end;
    long next;
    long dropped = 0;
    List<LogDamage> found;
    try (FileHandlePool.Lease lease = pool.acquire(file)) {
      FileChannel ch = lease.channel();
      fileSize = ch.size();
      int[] expectedPosition = {0};
      result =
          SegmentScanner.scanResyncing(
              ch,
              toString(),
              fileSize,
              Math.max(minOffset, baseOffset),
              followingBase > baseOffset ? followingBase : Long.MAX_VALUE,
              (position, batch) -> {
                if (position != expectedPosition[0]) {
                  // The first batch after damage: index it, so that reads beyond the damage
                  // start here instead of walking into the damaged bytes.
                  bytesSinceIndexEntry = Integer.MAX_VALUE / 2;
                }
                expectedPosition[0] = position + batch.remaining();
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
      found = new ArrayList<>(result.damages());
      end = (int) fileSize;
      next = result.nextOffset();
      LogDamage tail = found.isEmpty() || found.getLast().endKnown() ? null : found.getLast();
      if (tail != null && tail.firstOffset() >= truncatableFrom) {
        // A torn tail after the recovery point: the writer died inside a write that was never
        // acknowledged as durable. Cut it, as Kafka's recovery does.
        found.removeLast();
        LOG.warn(
            "{}: {}; truncating the torn tail: {} bytes at position {} (offsets from {} on, never"
                + " acknowledged as durable)",
            this,
            tail.problem(),
            tail.length(),
            tail.position(),
            tail.firstOffset());
        ch.truncate(tail.position());
        ch.force(true);
        dropped = tail.length();
        end = tail.position();
      } else if (tail != null && knownEnd > tail.firstOffset()) {
        found.set(found.size() - 1, tail.withEndOffset(knownEnd));
        next = knownEnd;
      }
    }
    for (LogDamage d : found) {
      LOG.error(
          "{}: damaged on disk: {} bytes at position {}, offsets {} to {} ({}); fenced, not"
              + " served, until skipped on purpose",
          this,
          d.length(),
          d.position(),
          d.firstOffset(),
          d.endKnown() ? String.valueOf(d.endOffset() - 1) : "(end unknown)",
          d.problem());
    }
    if (dropped > 0 || !found.isEmpty()) {
      indexFilesCurrent = false;
    }
    damages = List.copyOf(found);
    publish(end, end == 0 ? baseOffset : next);
    verified = true;
    return dropped;
  }

  private void install(SegmentSummary s, SparseIndex offsets, SparseIndex times) {
    offsetIndex = offsets;
    timeIndex = times;
    size = s.sizeInBytes();
    nextOffset = s.nextOffset();
    indexedNextOffset = s.nextOffset();
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

  /**
   * Cuts a damaged tail of unknown extent off the file, on an operator's request: the segment then
   * ends with its last intact batch. Caller owns the writer's side (appends are refused).
   */
  synchronized void cutDamagedTail(LogDamage tail) throws IOException {
    try (FileHandlePool.Lease lease = pool.acquire(file)) {
      FileChannel ch = lease.channel();
      ch.truncate(tail.position());
      ch.force(true);
    }
    List<LogDamage> rest = new ArrayList<>(damages);
    rest.remove(tail);
    damages = List.copyOf(rest);
    indexFilesCurrent = false;
    publish(tail.position(), tail.position() == 0 ? baseOffset : tail.firstOffset());
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
   *
   * @throws LogDamagedException when {@code offset} lies in a damaged range of this segment
   */
  BatchLocation locate(FileChannel ch, long offset, int limit, String partition)
      throws IOException {
    for (LogDamage d : damages) {
      if (d.covers(offset)) {
        throw d.readError(partition);
      }
    }
    int i = offsetIndex.floor(offset - baseOffset, false);
    int position = i < 0 ? 0 : (int) offsetIndex.value(i);
    return scanFrom(ch, position, limit, b -> b.lastOffset() >= offset);
  }

  /** Where the first damaged range at or after {@code position} starts, or {@code limit}. */
  private int intactUntil(int position, int limit) {
    for (LogDamage d : damages) {
      if (d.position() >= position) {
        return Math.min(limit, d.position());
      }
    }
    return limit;
  }

  /** Walks batch headers from {@code position}, stepping over damaged ranges. */
  private BatchLocation scanFrom(
      FileChannel ch, int position, int limit, java.util.function.Predicate<BatchLocation> stop)
      throws IOException {
    ByteBuffer header = ByteBuffer.allocate(RecordBatchLayout.HEADER_SIZE);
    List<LogDamage> damaged = damages;
    while (position + RecordBatchLayout.HEADER_SIZE <= limit) {
      LogDamage d = startingAt(damaged, position);
      if (d != null) {
        position += d.length();
        continue;
      }
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

  private static LogDamage startingAt(List<LogDamage> damaged, int position) {
    for (LogDamage d : damaged) {
      if (d.position() == position) {
        return d;
      }
    }
    return null;
  }

  /**
   * Reads from the batch holding {@code offset}: the slice starts at that batch and spans at least
   * that batch and at most {@code max(maxBytes, its size)} bytes. Null when the segment holds no
   * batch ending at or after {@code offset}.
   */
  LogSlice read(long offset, int maxBytes, boolean minOneBatch, String partition)
      throws IOException {
    ensureVerified();
    int limit = size;
    FileHandlePool.Lease lease = pool.acquire(file);
    try {
      BatchLocation b = locate(lease.channel(), offset, limit, partition);
      if (b == null) {
        lease.close();
        return null;
      }
      if (!minOneBatch && b.size() > maxBytes) {
        lease.close();
        return LogSlice.empty();
      }
      // Never into damaged bytes: the slice stops where the next damaged range starts.
      int length =
          Math.min(intactUntil(b.position(), limit) - b.position(), Math.max(maxBytes, b.size()));
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
      BatchLocation b = firstIntactFrom(ch, startOffset, limit);
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
      BatchLocation b = firstIntactFrom(ch, minOffset, limit);
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

  /**
   * The first intact batch ending at or after {@code offset}, stepping over damage (timestamp
   * searches look at what is there; only reads of damaged offsets fail).
   */
  private BatchLocation firstIntactFrom(FileChannel ch, long offset, int limit) throws IOException {
    long from = offset;
    for (LogDamage d : damages) {
      if (d.covers(from)) {
        if (!d.endKnown()) {
          return null;
        }
        from = d.endOffset();
      }
    }
    int i = offsetIndex.floor(from - baseOffset, false);
    int position = i < 0 ? 0 : (int) offsetIndex.value(i);
    long target = from;
    return scanFrom(ch, position, limit, b -> b.lastOffset() >= target);
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
