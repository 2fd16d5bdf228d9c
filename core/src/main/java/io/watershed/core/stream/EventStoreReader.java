package io.watershed.core.stream;

import io.watershed.core.stream.StreamHeads.Head;
import io.watershed.log.LogException;
import io.watershed.log.LogSlice;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Reads the event store: a stream through the {@link StreamIndex} (revision to position in {@code
 * $all}), {@code $all} straight from the log, links resolved to their targets, and what a stream's
 * metadata ({@code $$} stream) lets a read show ({@code $tb}, {@code $maxCount}, {@code $maxAge},
 * tombstones). Reads show only what the index holds: {@code $all} up to the indexed end, a stream
 * up to its indexed head.
 *
 * <p>Owns the cache of parsed stream metadata; the indexer tells it which metadata streams changed
 * ({@link #metadataChanged}), and an epoch keeps a read that raced such a change from caching what
 * it read before.
 *
 * <p>Thread-safety: any thread may read; reads take no lock (the log and the index serve concurrent
 * readers, the caches are concurrent maps).
 */
final class EventStoreReader {
  /** Bytes of {@code $all} one log read returns at most (whole batches, at least one). */
  private static final int READ_BYTES = 1 << 20;

  /** Index entries one look-up of a stream's index returns at most. */
  private static final int INDEX_PAGE = 512;

  private final PartitionLog log;
  private final StreamIndex index;
  private final StreamHeads heads;
  private final EventStoreLimits limits;
  private final LongSupplier clock;

  private final Map<String, StreamMetadata> metadataCache = new ConcurrentHashMap<>();

  /** Moves on every change of a metadata stream, before the cache forgets the changed entries. */
  private final AtomicLong metadataEpoch = new AtomicLong();

  EventStoreReader(
      PartitionLog log,
      StreamIndex index,
      StreamHeads heads,
      EventStoreLimits limits,
      LongSupplier clock) {
    this.log = log;
    this.index = index;
    this.heads = heads;
    this.limits = limits;
    this.clock = clock;
  }

  /** See {@link EventStore#readStream}. */
  StreamReadResult readStream(
      String stream, long fromRevision, boolean forwards, long maxCount, boolean resolveLinks) {
    StreamNames.check(stream, limits);
    Head h = heads.head(stream);
    if (h.tombstoned()) {
      throw new StreamDeletedException(stream);
    }
    StreamMetadata md = metadata(stream);
    if (h.id() < 0 || h.lastRevision() < 0 || md.truncateBefore() > h.lastRevision()) {
      return new StreamReadResult.NotFound(stream);
    }
    long firstVisible =
        Math.max(md.truncateBefore(), md.maxCount() > 0 ? h.lastRevision() - md.maxCount() + 1 : 0);
    long now = clock.getAsLong();
    boolean links = Projections.isProjection(stream);
    BatchReader reader = new BatchReader();
    List<ResolvedEvent> out = new ArrayList<>();
    long revision;
    if (forwards) {
      if (fromRevision == EventStore.END) {
        return new StreamReadResult.Events(List.of(), h.lastRevision());
      }
      revision = Math.max(fromRevision, firstVisible);
    } else {
      revision = Math.min(fromRevision, h.lastRevision());
    }
    while (out.size() < maxCount
        && (forwards ? revision <= h.lastRevision() : revision >= firstVisible)) {
      int page = (int) Math.min(INDEX_PAGE, maxCount - out.size());
      List<StreamIndex.Entry> entries = index.entries(h.id(), revision, forwards, page);
      if (entries.isEmpty()) {
        break;
      }
      for (StreamIndex.Entry entry : entries) {
        if (entry.revision() < firstVisible || entry.revision() > h.lastRevision()) {
          continue;
        }
        RecordedEvent e = reader.eventAt(entry.position());
        if (e == null) {
          continue;
        }
        if (links) {
          RecordedEvent link = Projections.link(stream, entry.revision(), e);
          out.add(resolveLinks ? new ResolvedEvent(e, link) : new ResolvedEvent(link, null));
        } else if (md.visible(entry.revision(), h.lastRevision(), e.createdMillis(), now)) {
          out.add(resolved(e, resolveLinks, now));
        }
      }
      StreamIndex.Entry last = entries.get(entries.size() - 1);
      revision = forwards ? last.revision() + 1 : last.revision() - 1;
    }
    return new StreamReadResult.Events(out, h.lastRevision());
  }

  /** See {@link EventStore#readAll}; shows {@code $all} below {@code end}, the indexed end. */
  List<ResolvedEvent> readAll(
      long fromPosition, boolean forwards, int maxCount, boolean resolveLinks, long end) {
    long start = log.logStartOffset();
    Map<String, Visibility> seen = new HashMap<>();
    long now = clock.getAsLong();
    List<ResolvedEvent> out = new ArrayList<>();
    if (forwards) {
      long pos = Math.max(fromPosition, start);
      while (pos < end && out.size() < maxCount) {
        List<RecordedEvent> page = new ArrayList<>();
        long next = readLog(pos, end, page, maxCount - out.size());
        for (RecordedEvent e : page) {
          if (out.size() < maxCount && visible(e, seen, now)) {
            out.add(resolved(e, resolveLinks, now));
          }
        }
        if (next <= pos) {
          break;
        }
        pos = next;
      }
      return out;
    }
    long to = Math.min(fromPosition, end);
    while (to > start && out.size() < maxCount) {
      long from = Math.max(start, to - Math.max(64, 2L * (maxCount - out.size())));
      List<RecordedEvent> window = new ArrayList<>();
      long pos = from;
      while (pos < to) {
        long next = readLog(pos, to, window, Integer.MAX_VALUE);
        if (next <= pos) {
          break;
        }
        pos = next;
      }
      Collections.reverse(window);
      for (RecordedEvent e : window) {
        if (out.size() < maxCount && visible(e, seen, now)) {
          out.add(resolved(e, resolveLinks, now));
        }
      }
      to = from;
    }
    return out;
  }

  /** An event read from an ordinary stream or {@code $all}, with its target if it is a link. */
  private ResolvedEvent resolved(RecordedEvent e, boolean resolveLinks, long now) {
    return resolveLinks && Projections.LINK_TYPE.equals(e.type())
        ? resolveLink(e, now)
        : new ResolvedEvent(e, null);
  }

  /**
   * A link event written to an ordinary stream (data {@code "<revision>@<stream>"}, as in the
   * parked-message streams) with its target, or the link alone when the target cannot be read any
   * more (deleted, truncated, expired, tombstoned) or the data is not a link.
   */
  private ResolvedEvent resolveLink(RecordedEvent link, long now) {
    String data = new String(link.data(), StandardCharsets.UTF_8);
    int at = data.indexOf('@');
    if (at > 0) {
      try {
        long revision = Long.parseLong(data.substring(0, at));
        String target = data.substring(at + 1);
        Head h = heads.head(target);
        if (h.id() >= 0 && !h.tombstoned() && revision <= h.lastRevision()) {
          long position = index.position(h.id(), revision);
          RecordedEvent e = position < 0 ? null : eventAt(position);
          if (e != null
              && metadata(target).visible(revision, h.lastRevision(), e.createdMillis(), now)) {
            return new ResolvedEvent(e, link);
          }
        }
      } catch (NumberFormatException notALink) {
        // shown as it is
      }
    }
    return new ResolvedEvent(link, null);
  }

  /** What decides whether a stream's events show in {@code $all}. */
  record Visibility(boolean tombstoned, long lastRevision, StreamMetadata metadata) {}

  /** What decides, now, whether the events of {@code stream} show. */
  Visibility visibility(String stream) {
    Head h = heads.head(stream);
    return new Visibility(h.tombstoned(), h.lastRevision(), metadata(stream));
  }

  private boolean visible(RecordedEvent e, Map<String, Visibility> seen, long now) {
    if (e.revision() == EventRecords.TOMBSTONE_REVISION) {
      return false;
    }
    Visibility v = seen.computeIfAbsent(e.stream(), this::visibility);
    return !v.tombstoned()
        && v.metadata().visible(e.revision(), v.lastRevision(), e.createdMillis(), now);
  }

  /** The event at {@code position} of {@code $all}, or null when it is gone or not an event. */
  private RecordedEvent eventAt(long position) {
    return new BatchReader().eventAt(position);
  }

  /**
   * Random reads of {@code $all} for one call: reads just the batch that holds a position, and
   * keeps the last batch read, so that the events of one append (one batch) read one after the
   * other cost one read and one decode. Not thread-safe; one per call.
   */
  private final class BatchReader {
    private long first = -1;
    private long last = -1;
    private List<Record> records = List.of();

    /** The event at {@code position}, or null when it is gone or not an event. */
    RecordedEvent eventAt(long position) {
      if (position < log.logStartOffset()) {
        return null;
      }
      if (position < first || position > last) {
        load(position);
      }
      int lo = 0;
      int hi = records.size() - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        long o = records.get(mid).offset();
        if (o == position) {
          return EventRecords.event(records.get(mid));
        } else if (o < position) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return null;
    }

    private void load(long position) {
      // The smallest read still returns the whole batch that holds the position.
      try (LogSlice slice = log.read(position, 1, true)) {
        ByteBuffer b = slice.readWholeBatches();
        int at = b.position();
        while (at < b.limit() && RecordBatchLayout.lastOffset(b, at) < position) {
          at += RecordBatchLayout.sizeInBytes(b, at);
        }
        if (at < b.limit()) {
          first = RecordBatchLayout.baseOffset(b, at);
          last = RecordBatchLayout.lastOffset(b, at);
          records = RecordLayout.readRecords(b, at);
        } else {
          first = position;
          last = position;
          records = List.of();
        }
      } catch (IOException | LogException e) {
        throw new EventStoreException("cannot read $all at " + position + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The stream's metadata as its {@code $$} stream says now. A metadata stream itself shows only
   * its last event, as in KurrentDB (whose clients read it forwards and take the first event).
   */
  StreamMetadata metadata(String stream) {
    if (stream.startsWith("$$")) {
      return StreamMetadata.METADATA_STREAM;
    }
    StreamMetadata cached = metadataCache.get(stream);
    if (cached != null) {
      return cached;
    }
    long epoch = metadataEpoch.get();
    byte[] json = metadataJson(stream);
    StreamMetadata md = json == null ? StreamMetadata.NONE : StreamMetadata.parse(json);
    if (metadataEpoch.get() == epoch) {
      if (metadataCache.size() > StreamHeads.MAX_CACHED_STREAMS) {
        metadataCache.clear();
      }
      metadataCache.put(stream, md);
    }
    return md;
  }

  /** The data of the last event of {@code $$stream}, or null when it has none. */
  byte[] metadataJson(String stream) {
    Head h = heads.head("$$" + stream);
    if (h.id() < 0 || h.lastRevision() < 0) {
      return null;
    }
    long position = index.position(h.id(), h.lastRevision());
    RecordedEvent e = position < 0 ? null : eventAt(position);
    return e == null ? null : e.data();
  }

  /**
   * Reads events at positions [from, end) from the log into {@code out}, one slice, whole batches,
   * until {@code out} holds {@code max} events; returns the position after the last record read
   * (records that are not events are skipped).
   */
  long readLog(long from, long end, List<RecordedEvent> out, int max) {
    try (LogSlice slice = log.read(from, READ_BYTES, true)) {
      ByteBuffer b = slice.readWholeBatches();
      long next = from;
      int at = b.position();
      while (at < b.limit() && out.size() < max) {
        for (Record r : RecordLayout.readRecords(b, at)) {
          if (r.offset() >= from && r.offset() < end) {
            RecordedEvent e = EventRecords.event(r);
            if (e != null) {
              out.add(e);
            }
            next = r.offset() + 1;
          }
        }
        next = Math.max(next, Math.min(end, RecordBatchLayout.lastOffset(b, at) + 1));
        at += RecordBatchLayout.sizeInBytes(b, at);
      }
      return next;
    } catch (IOException | LogException e) {
      throw new EventStoreException("cannot read $all at " + from + ": " + e.getMessage(), e);
    }
  }

  /**
   * On the indexing thread, once the index committed them: the metadata of these streams changed
   * (their {@code $$} streams were written), so what the cache holds for them is stale.
   */
  void metadataChanged(List<String> streams) {
    metadataEpoch.incrementAndGet();
    streams.forEach(metadataCache::remove);
  }
}
