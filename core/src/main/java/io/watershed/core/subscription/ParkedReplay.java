package io.watershed.core.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The replay of parked entries: up to which ticket it goes, where the next read of the sink starts,
 * the replayed work not yet done, and how far the sink may be emptied. Invariants: a parked entry
 * is removed from the sink only once its replay is done (acknowledged, or parked again), so a
 * restart mid-replay loses nothing; at most {@code maxInFlight} replayed entries are in memory.
 * Runs on the subscription's scheduler thread.
 */
final class ParkedReplay<E> {
  /** The replay goes up to this ticket (exclusive): what was parked when it was asked for. */
  private long end = -1;

  private long nextTicket = -1;
  private boolean reading;
  private final TreeMap<Long, Work<E>> inFlight = new TreeMap<>();
  private long removedBefore = -1;
  private boolean removing;

  /**
   * Asks for the parked entries with tickets in {@code [firstTicket, endTicket)} to be replayed, at
   * most {@code max} of them. Entries parked again meanwhile get later tickets and wait for the
   * next replay, so a poison message is not replayed in a loop.
   */
  void request(long max, long firstTicket, long endTicket) {
    if (nextTicket < end || !inFlight.isEmpty() || reading) {
      end = Math.max(end, Math.min(endTicket, nextTicket + max));
      return;
    }
    nextTicket = firstTicket;
    removedBefore = Math.max(removedBefore, firstTicket);
    end = firstTicket + Math.min(max, endTicket - firstTicket);
  }

  /** How many to read next, or 0 when no read is due now. */
  int readSize(int maxInFlight, int batch) {
    if (reading || nextTicket >= end) {
      return 0;
    }
    return (int)
        Math.max(0, Math.min(end - nextTicket, Math.min(batch, maxInFlight - inFlight.size())));
  }

  long nextTicket() {
    return nextTicket;
  }

  void reading() {
    reading = true;
  }

  /** A read ended (null page: it failed); returns the work to make available. */
  List<Work<E>> read(ParkSink.Page<E> page, java.util.function.ToIntFunction<E> keyHash) {
    reading = false;
    List<Work<E>> out = new ArrayList<>();
    if (page == null) {
      return out;
    }
    if (page.next() <= nextTicket) {
      end = nextTicket; // the sink has no more
      return out;
    }
    nextTicket = Math.min(page.next(), end);
    for (ParkSink.Parked<E> p : page.parked()) {
      if (p.ticket() >= end) {
        continue; // parked after the replay was asked for: the next replay's
      }
      Work<E> w =
          new Work<>(
              ReplayKeys.of(p.ticket()), p.entry(), keyHash.applyAsInt(p.entry().value()), 0);
      inFlight.put(p.ticket(), w);
      out.add(w);
    }
    return out;
  }

  Work<E> get(long key) {
    return inFlight.get(ReplayKeys.ticket(key));
  }

  void done(Work<E> w) {
    inFlight.remove(ReplayKeys.ticket(w.key), w);
  }

  /**
   * The ticket below which every parked entry's replay is done and which the sink has not been told
   * yet, or -1 when there is none (or a removal is in flight).
   */
  long removableBefore() {
    if (removing || nextTicket < 0) {
      return -1;
    }
    long before = inFlight.isEmpty() ? nextTicket : inFlight.firstKey();
    return before > removedBefore ? before : -1;
  }

  void removing() {
    removing = true;
  }

  /** The sink removed the entries below {@code ticket} (or failed to: {@code ok} false). */
  void removed(long ticket, boolean ok) {
    removing = false;
    if (ok) {
      removedBefore = Math.max(removedBefore, ticket);
    }
  }

  int inFlight() {
    return inFlight.size();
  }

  java.util.Collection<Work<E>> all() {
    return inFlight.values();
  }
}
