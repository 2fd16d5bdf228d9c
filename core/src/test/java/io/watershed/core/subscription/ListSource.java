package io.watershed.core.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * A source in memory: strings at chosen positions (gaps allowed), each with a write time, and a
 * filter that leaves some out, as a filtered {@code $all} group's reader does. Counts its reads.
 */
final class ListSource implements SubscriptionSource<String> {
  final TreeMap<Long, String> values = new TreeMap<>();
  final TreeMap<Long, Long> times = new TreeMap<>();
  LongPredicate filter = p -> true;
  int reads;
  RuntimeException failure;

  /** Appends {@code n} values at the next positions, written at {@code timeMs}. */
  ListSource append(int n, long timeMs) {
    for (int i = 0; i < n; i++) {
      long p = values.isEmpty() ? 0 : values.lastKey() + 1;
      put(p, "v" + p, timeMs);
    }
    return this;
  }

  ListSource append(int n) {
    return append(n, 0);
  }

  ListSource put(long position, String value, long timeMs) {
    values.put(position, value);
    times.put(position, timeMs);
    return this;
  }

  long end() {
    return values.isEmpty() ? 0 : values.lastKey() + 1;
  }

  @Override
  public SourcePage<String> read(long from, int maxEntries) {
    reads++;
    if (failure != null) {
      throw failure;
    }
    List<Entry<String>> out = new ArrayList<>();
    long next = from;
    int examined = 0;
    for (var e : values.tailMap(from).entrySet()) {
      if (examined++ == maxEntries) {
        return new SourcePage<>(out, next, false);
      }
      if (filter.test(e.getKey())) {
        out.add(new Entry<>(e.getKey(), e.getValue(), e.getValue().length()));
      }
      next = e.getKey() + 1;
    }
    return new SourcePage<>(out, Math.max(next, end()), true);
  }

  @Override
  public long positionAt(long timestampMs) {
    for (var e : times.entrySet()) {
      if (e.getValue() >= timestampMs) {
        return e.getKey();
      }
    }
    return end();
  }
}
