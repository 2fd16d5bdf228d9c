package io.watershed.core.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/** A park sink in memory whose writes can be made to fail, numbered by ticket from 0. */
final class MemoryParkSink implements ParkSink<String> {
  final TreeMap<Long, Entry<String>> parked = new TreeMap<>();
  final List<String> reasons = new ArrayList<>();
  long nextTicket;
  long removedBefore;
  boolean failParks;
  boolean failRemovals;
  int parkCalls;
  int reads;

  @Override
  public CompletableFuture<Void> park(Entry<String> entry, int deliveries, String reason) {
    parkCalls++;
    if (failParks) {
      return CompletableFuture.failedFuture(new IllegalStateException("disk full"));
    }
    parked.put(nextTicket++, entry);
    reasons.add(reason);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public long parkedCount() {
    return parked.size();
  }

  @Override
  public long firstTicket() {
    return parked.isEmpty() ? nextTicket : parked.firstKey();
  }

  @Override
  public CompletableFuture<Page<String>> read(long from, int max) {
    reads++;
    List<Parked<String>> out = new ArrayList<>();
    long next = from;
    for (var e : parked.tailMap(from).entrySet()) {
      if (out.size() == max) {
        break;
      }
      out.add(new Parked<>(e.getKey(), e.getValue()));
      next = e.getKey() + 1;
    }
    return CompletableFuture.completedFuture(new Page<>(out, next));
  }

  @Override
  public CompletableFuture<Void> removeBefore(long ticket) {
    if (failRemovals) {
      return CompletableFuture.failedFuture(new IllegalStateException("disk full"));
    }
    parked.headMap(ticket).clear();
    removedBefore = Math.max(removedBefore, ticket);
    return CompletableFuture.completedFuture(null);
  }
}
