package io.watershed.core.subscription;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where a subscription puts work it gives up on (delivered too often, or parked by a consumer):
 * EventStoreDB's parked-message stream, Pulsar's dead-letter topic, Kafka share groups' archive
 * (which keeps nothing). Parked entries are numbered by a ticket (≥ 0, increasing) so they can be
 * replayed in order and removed once the replay is done.
 *
 * <p>A park completes only once the entry is durable in the sink; the subscription treats the work
 * as done only then, and tries again when it fails. Methods may be called from the subscription's
 * scheduler thread and must not block; futures may complete on any thread.
 */
public interface ParkSink<E> {
  /** Parks {@code entry}, handed out {@code deliveries} times, because of {@code reason}. */
  CompletableFuture<Void> park(Entry<E> entry, int deliveries, String reason);

  /** How many entries are parked and not removed; kept, not counted on each call. */
  long parkedCount();

  /** The ticket of the oldest parked entry not removed (where a replay starts). */
  long firstTicket();

  /** Up to {@code max} parked entries from ticket {@code from}, oldest first. */
  CompletableFuture<Page<E>> read(long from, int max);

  /**
   * Removes every parked entry with a ticket below {@code ticket}: their replay is done. Completes
   * once the removal is durable.
   */
  CompletableFuture<Void> removeBefore(long ticket);

  /** A parked entry. */
  record Parked<E>(long ticket, Entry<E> entry) {}

  /**
   * What a read found.
   *
   * @param parked the entries found, by ticket; entries that can no longer be read (their source
   *     event is gone) are left out
   * @param next the ticket after the last one examined
   */
  record Page<E>(List<Parked<E>> parked, long next) {
    public Page {
      parked = List.copyOf(parked);
    }
  }

  /** A sink that keeps nothing, as Kafka share groups archive: parking is done at once. */
  static <E> ParkSink<E> discarding() {
    return new ParkSink<>() {
      private long parked;

      @Override
      public CompletableFuture<Void> park(Entry<E> entry, int deliveries, String reason) {
        parked++;
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public long parkedCount() {
        return 0;
      }

      @Override
      public long firstTicket() {
        return parked;
      }

      @Override
      public CompletableFuture<Page<E>> read(long from, int max) {
        return CompletableFuture.completedFuture(new Page<>(List.of(), from));
      }

      @Override
      public CompletableFuture<Void> removeBefore(long ticket) {
        return CompletableFuture.completedFuture(null);
      }
    };
  }
}
