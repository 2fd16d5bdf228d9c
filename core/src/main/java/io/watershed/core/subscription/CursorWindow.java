package io.watershed.core.subscription;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which positions of the source are done, in memory. The reader has examined every position below
 * {@link #readFrontier()}; of those, the ones at or above the mark-delete position that are not
 * done are exactly the work in the window (read, not yet acknowledged or parked). So what is done
 * is implicit, and memory is bounded by the window, never by how much was acknowledged or passed
 * over: a filter that leaves out a million positions behind one outstanding event costs nothing.
 *
 * <p>After a restore, the stored done ranges above the read frontier (and their delivery counts)
 * are kept until the reader passes them, so work done before the restart is not delivered again.
 *
 * <p>Stored form: the gaps between the window's positions up to the read frontier, then the
 * restored ranges ahead. With at most {@code maxUnacked} work in the window that is at most {@code
 * maxUnacked + 1} ranges, plus what was restored.
 */
final class CursorWindow<E> {
  private final TreeMap<Long, Work<E>> window = new TreeMap<>();
  private long readFrontier;
  private long bytes;

  /** Restored done ranges at or above the read frontier: start → end (exclusive). */
  private final TreeMap<Long, Long> doneAhead = new TreeMap<>();

  /** Restored delivery counts of positions at or above the read frontier. */
  private final TreeMap<Long, Integer> countsAhead = new TreeMap<>();

  CursorWindow(StoredCursor stored) {
    reset(stored);
  }

  void reset(StoredCursor stored) {
    window.clear();
    bytes = 0;
    doneAhead.clear();
    countsAhead.clear();
    readFrontier = stored.markDelete();
    for (PositionRange r : stored.done()) {
      doneAhead.put(r.start(), r.end());
    }
    countsAhead.putAll(stored.deliveryCounts());
  }

  /** Every position below this is done. */
  long markDelete() {
    return window.isEmpty() ? readFrontier : window.firstKey();
  }

  /** Where the reader reads next. */
  long readFrontier() {
    return readFrontier;
  }

  /** Whether the restored cursor says {@code position} (not read since) is done. */
  boolean restoredDone(long position) {
    Map.Entry<Long, Long> r = doneAhead.floorEntry(position);
    return r != null && position < r.getValue();
  }

  /** How often {@code position} was handed out before the restore (0 when unknown). */
  int restoredDeliveries(long position) {
    return countsAhead.getOrDefault(position, 0);
  }

  /** The reader examined everything below {@code next}; restored state below it is spent. */
  void readTo(long next) {
    if (next <= readFrontier) {
      return;
    }
    readFrontier = next;
    countsAhead.headMap(next).clear();
    Map.Entry<Long, Long> straddling = doneAhead.lowerEntry(next);
    doneAhead.headMap(next).clear();
    if (straddling != null && straddling.getValue() > next) {
      doneAhead.put(next, straddling.getValue());
    }
  }

  void add(Work<E> w) {
    window.put(w.key, w);
    bytes += w.entry.sizeBytes();
  }

  Work<E> get(long position) {
    return window.get(position);
  }

  /** The work at {@code position} is done. */
  void remove(Work<E> w) {
    if (window.remove(w.key, w)) {
      bytes -= w.entry.sizeBytes();
    }
  }

  /** The work at or below {@code position}, ascending. */
  List<Work<E>> through(long position) {
    return new ArrayList<>(window.headMap(position, true).values());
  }

  Collection<Work<E>> all() {
    return window.values();
  }

  int size() {
    return window.size();
  }

  long bytes() {
    return bytes;
  }

  /** The stored form of where the cursor stands now. */
  StoredCursor snapshot() {
    long markDelete = markDelete();
    List<PositionRange> done = new ArrayList<>();
    TreeMap<Long, Integer> counts = new TreeMap<>();
    long after = markDelete;
    for (Work<E> w : window.values()) {
      if (w.key > after) {
        done.add(new PositionRange(after, w.key));
      }
      after = w.key + 1;
      if (w.deliveries > 0) {
        counts.put(w.key, w.deliveries);
      }
    }
    long gapEnd = readFrontier;
    for (Map.Entry<Long, Long> r : doneAhead.entrySet()) {
      if (r.getKey() == gapEnd) {
        gapEnd = r.getValue(); // adjacent: one range
        continue;
      }
      if (gapEnd > after) {
        done.add(new PositionRange(after, gapEnd));
      }
      after = r.getKey();
      gapEnd = r.getValue();
    }
    if (gapEnd > after) {
      done.add(new PositionRange(after, gapEnd));
    }
    counts.putAll(countsAhead);
    if (!done.isEmpty() && done.get(0).start() == markDelete) {
      // Nothing is outstanding: the first range joins the mark-delete position.
      PositionRange first = done.remove(0);
      return new StoredCursor(first.end(), done, counts.tailMap(first.end()));
    }
    return new StoredCursor(markDelete, done, counts);
  }
}
