package io.watershed.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the parts of one partition share: its identity, its segments and offsets, why it refuses
 * writes, and the lock that serialises maintenance. The {@link PartitionLoader} fills it, the
 * {@link PartitionWriter} appends to it, the {@link DurabilityTracker} moves its durable offset,
 * {@link Retention} and the cleaner remove and replace segments, and {@link PartitionLog} reads it.
 *
 * <p>Thread-safety: readers take no lock. Each mutable field is volatile or a concurrent collection
 * and says which part writes it; a field written by more than one part says what orders those
 * writes. Segments are published (put into {@link #segments}) before {@link #active} or an offset
 * points at them, so a reader that sees an offset finds the segment holding it.
 */
final class PartitionState {
  /** Log lines of every part of a partition name the partition's class, as they always have. */
  private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);

  /** The partition's directory name, in every message and log line about it. */
  final String name;

  final Path dir;
  final LogContext ctx;

  /** Replaced whole by {@link PartitionLog#updateConfig}; read once per use. */
  volatile LogConfig config;

  /**
   * The segments by base offset; the last one is the active segment. The loader fills it, the
   * writer adds a segment at each roll, retention and the cleaner (under {@link #maintenance})
   * remove and replace sealed ones.
   */
  final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();

  /** The segment appends go to: set by the loader, then only by the writer when it rolls. */
  volatile Segment active;

  /** The first readable offset: set by the loader, then moved forward under maintenance only. */
  volatile long logStartOffset;

  /**
   * The offset the next record gets: set by the loader, then by the writer once the bytes and index
   * entries below it are in place; an operator's cut of a damaged tail sets it while the writer
   * refuses appends.
   */
  volatile long logEndOffset;

  /** Everything below this is fsynced: set by the loader, then by the durability tracker. */
  volatile long durableOffset;

  /**
   * Why the partition refuses writes, or null. Set by the writer (a failed write or roll) and by
   * the flusher (a failed fsync); lifted only by the writer when the disk takes writes again. A
   * sticky fence is never replaced by one that is not.
   */
  volatile WriteFence fence;

  /**
   * Damage at the end of the last segment whose end offset is unknown: appends would reuse offsets
   * the damaged bytes may have held, so they are refused until the damage is skipped. Set by the
   * loader, cleared by an operator's cut (under maintenance).
   */
  volatile LogDamage damagedTail;

  /** Set once by close or deletion; appends are refused from then on. */
  volatile boolean closing;

  /** Set once, by the loader, after every field above holds the loaded partition. */
  volatile boolean loaded;

  /**
   * Whether anything changed since the partition was loaded (appends, rolls, deletions, a producer
   * state rebuilt from the log); an unchanged partition has nothing to write at close.
   */
  volatile boolean changedSinceLoad;

  /**
   * Idempotent-producer state: built by the loader before {@link #loaded} is set, then owned by the
   * writer; close reads it once the writer has finished its last task.
   */
  ProducerStateTable producers = new ProducerStateTable();

  /** Serialises retention, delete-records and compaction; the writer never takes it. */
  final ReentrantLock maintenance = new ReentrantLock();

  /** Told of every append, on the writer's thread. */
  final List<LogListener> listeners = new CopyOnWriteArrayList<>();

  final PartitionTraffic traffic = new PartitionTraffic();

  PartitionState(String name, Path dir, LogConfig config, LogContext ctx) {
    this.name = name;
    this.dir = dir;
    this.config = config;
    this.ctx = ctx;
  }

  /**
   * Why the partition refuses writes.
   *
   * @param sticky until reopened (a failed fsync of records); otherwise retried
   * @param sinceMs when the fence was set or last retried, by the log's clock
   */
  record WriteFence(LogStorageException cause, boolean sticky, long sinceMs) {}

  /** The log's clock, in milliseconds. */
  long now() {
    return ctx.clock().getAsLong();
  }

  /** Fences the partition after a failed write or fsync, counting and logging it once. */
  LogStorageException fenceAfter(String what, Exception e, boolean sticky) {
    LogStorageException cause =
        new LogStorageException(name + ": " + what + ": " + e.getMessage(), e);
    WriteFence previous = fence;
    fence = new WriteFence(cause, sticky || (previous != null && previous.sticky()), now());
    if (previous == null) {
      ctx.stats().storageFailures.increment();
      LOG.error(
          "{}: {} ({}); refusing writes {}",
          name,
          what,
          e.toString(),
          sticky ? "until the partition is reopened" : "until the disk takes them again");
    }
    return cause;
  }

  /** What an append is refused with while {@code f} fences the partition. */
  LogStorageException refusal(WriteFence f) {
    return new LogStorageException(
        name
            + " refuses writes after a storage failure ("
            + f.cause().getMessage()
            + (f.sticky() ? "); it takes writes again once reopened" : "); retrying"),
        f.cause());
  }

  /** What an append is refused with while the log ends in damage of unknown extent. */
  LogStorageException damagedTailRefusal(LogDamage tail) {
    return new LogStorageException(
        name
            + " refuses appends: it ends in damaged bytes from offset "
            + tail.firstOffset()
            + " whose extent is unknown; skip the damage to resume (watershed topics repair)",
        null);
  }

  /**
   * Segments before the active one, oldest first. Some may still await their final fsync and index
   * files; deleting or replacing one then is safe, since the flusher skips retired segments.
   */
  List<Segment> sealedSegments() {
    List<Segment> out = new ArrayList<>();
    Segment a = active;
    for (Segment s : segments.values()) {
      if (s == a) {
        break;
      }
      out.add(s);
    }
    return out;
  }

  /** Bytes of all segments; a segment not opened yet counts its file's size. */
  long sizeInBytes() {
    long total = 0;
    for (Segment s : segments.values()) {
      total += sizeOf(s);
    }
    return total;
  }

  static long sizeOf(Segment s) {
    if (s.isLoaded()) {
      return s.size();
    }
    try {
      return Files.size(s.file.path());
    } catch (IOException e) {
      return 0;
    }
  }
}
