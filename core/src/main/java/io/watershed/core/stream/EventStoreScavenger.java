package io.watershed.core.stream;

import io.watershed.log.LogManager;
import io.watershed.log.PartitionLog;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reclaims the space of events no read can return any more (those of tombstoned streams, before a
 * stream's {@code $tb}, beyond its {@code $maxCount} or older than its {@code $maxAge}) by having
 * the log rewrite the sealed segments of {@code $all} without them; appends and reads go on
 * meanwhile. A stream's last event and tombstones are always kept: they carry its revision
 * numbering and deletion through an index rebuild.
 *
 * <p>Owns the background scavenging thread, when one is started. Thread-safety: {@link #scavenge}
 * may run on any thread (the log serialises rewrites of a partition); {@link #scavengeEvery} and
 * {@link #close} are synchronised with each other.
 */
final class EventStoreScavenger {
  private static final Logger LOG = LoggerFactory.getLogger(IndexedEventStore.class);

  /** Streams whose visibility one pass remembers; forgotten all at once beyond this. */
  private static final int MAX_REMEMBERED_STREAMS = 100_000;

  private final PartitionLog log;
  private final LogManager logs;
  private final EventStoreReader reader;
  private final LongSupplier clock;
  private ScheduledExecutorService scavenger;

  EventStoreScavenger(
      PartitionLog log, LogManager logs, EventStoreReader reader, LongSupplier clock) {
    this.log = log;
    this.logs = logs;
    this.reader = reader;
    this.clock = clock;
  }

  /** See {@link IndexedEventStore#scavenge}. */
  long scavenge() {
    long now = clock.getAsLong();
    Map<String, EventStoreReader.Visibility> seen = new HashMap<>();
    try {
      return logs.retainRecords(
          log.name(),
          r -> {
            RecordedEvent e = EventRecords.event(r);
            if (e == null || e.revision() == EventRecords.TOMBSTONE_REVISION) {
              return true;
            }
            if (seen.size() > MAX_REMEMBERED_STREAMS) {
              seen.clear();
            }
            EventStoreReader.Visibility v = seen.computeIfAbsent(e.stream(), reader::visibility);
            if (e.revision() >= v.lastRevision()) {
              return true;
            }
            return !v.tombstoned()
                && v.metadata().visible(e.revision(), v.lastRevision(), e.createdMillis(), now);
          });
    } catch (IOException e) {
      throw new EventStoreException("scavenge failed: " + e.getMessage(), e);
    }
  }

  /** See {@link IndexedEventStore#scavengeEvery}. */
  synchronized void scavengeEvery(long intervalMs) {
    if (scavenger != null || intervalMs <= 0) {
      return;
    }
    scavenger =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "eventstore-scavenge");
              t.setDaemon(true);
              return t;
            });
    scavenger.scheduleWithFixedDelay(
        () -> {
          try {
            long reclaimed = scavenge();
            if (reclaimed > 0) {
              LOG.info("Scavenge reclaimed {} bytes of $all.", reclaimed);
            }
          } catch (RuntimeException e) {
            LOG.warn("Scavenge failed: {}", e.toString());
          }
        },
        intervalMs,
        intervalMs,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Stops background scavenging and waits (up to a minute) for a running pass: it reads the index,
   * so it must end before the index closes.
   */
  void close() {
    ScheduledExecutorService s;
    synchronized (this) {
      s = scavenger;
    }
    if (s != null) {
      s.shutdown();
      try {
        s.awaitTermination(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
