package io.watershed.core.subscription;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where a subscription stands, as it is stored: Pulsar's mark-delete position and acknowledged
 * ranges, with Kafka share groups' delivery counts. Every position below {@code markDelete} is
 * done; above it, those in {@code done} are done (acknowledged or parked individually, or never
 * work: filtered out, gaps) and every other one is still to be delivered. Its size is bounded by
 * the subscription's window: see {@link SubscriptionConfig#maxUnacked()}. Binary form in {@link
 * CursorCodec}.
 *
 * @param markDelete every position below it is done
 * @param done disjoint, non-adjacent ranges above {@code markDelete}, ascending
 * @param deliveryCounts for work above {@code markDelete} not done, how often it was handed out
 *     (only counts above 0), so a message that crashes its consumers is parked after a restart too
 */
public record StoredCursor(
    long markDelete, List<PositionRange> done, SortedMap<Long, Integer> deliveryCounts) {
  public StoredCursor {
    if (markDelete < 0) {
      throw new IllegalArgumentException("a mark-delete position is not negative");
    }
    done = List.copyOf(done);
    long after = markDelete;
    for (PositionRange r : done) {
      if (r.start() <= after) {
        throw new IllegalArgumentException("done ranges must be ascending above " + markDelete);
      }
      after = r.end();
    }
    deliveryCounts = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(deliveryCounts));
  }

  /** A cursor where everything below {@code start} is done and nothing above. */
  public static StoredCursor at(long start) {
    return new StoredCursor(start, List.of(), new TreeMap<>());
  }
}
