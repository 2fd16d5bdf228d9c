package io.watershed.core.subscription;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Work waiting for a time: leases until their ack timeout, negatively acknowledged work until its
 * redelivery delay. Ordered by due time, so one timer for the earliest serves them all. Work is
 * removed when it is answered, so the set never holds more than the subscription's window.
 */
final class Deadlines<E> {
  private final TreeSet<Work<E>> byDue =
      new TreeSet<>(Comparator.<Work<E>>comparingLong(w -> w.dueMs).thenComparingLong(w -> w.key));

  void add(Work<E> w, long dueMs) {
    w.dueMs = dueMs;
    byDue.add(w);
  }

  void remove(Work<E> w) {
    byDue.remove(w);
  }

  /** The earliest due time, or {@link Long#MAX_VALUE} when nothing waits. */
  long next() {
    return byDue.isEmpty() ? Long.MAX_VALUE : byDue.first().dueMs;
  }

  /** Removes and returns the work due at {@code nowMs}, earliest first. */
  List<Work<E>> takeDue(long nowMs) {
    List<Work<E>> due = new ArrayList<>();
    while (!byDue.isEmpty() && byDue.first().dueMs <= nowMs) {
      due.add(byDue.pollFirst());
    }
    return due;
  }

  void clear() {
    byDue.clear();
  }

  int size() {
    return byDue.size();
  }
}
