package io.watershed.core.stream;

import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogConfig;
import io.watershed.log.LogDamagedException;
import io.watershed.log.PartitionLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the event store's two halves together at open and after a failure: finds or creates the
 * {@code $all} topic, opens the {@link StreamIndex} (rebuilding it from scratch when it is out of
 * the log's range, which only a lost log tail or deleted records can cause), and indexes what the
 * log holds beyond the index's checkpoint, in log order, stopping at damage.
 *
 * <p>Owns nothing between calls. Thread-safety: {@link #catchUp} runs on the indexing thread, or
 * during open before anything else; the rest runs during open.
 */
final class EventStoreRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(IndexedEventStore.class);

  private EventStoreRecovery() {}

  /** Indexes one page of events read from the log, then moves the checkpoint to {@code next}. */
  @FunctionalInterface
  interface PageIndexer {
    void index(List<RecordedEvent> events, long next);
  }

  /**
   * How far a catch-up got.
   *
   * @param position where indexing stopped: the log end, or the position whose read met damage
   * @param damage the damage that stopped it, or null when it reached the log end
   */
  record CatchUp(long position, LogDamagedException damage) {}

  /** The single partition of the {@code $all} topic, creating the topic when it is missing. */
  static PartitionLog allLog(TopicStore topics, EventStoreLimits limits) throws IOException {
    Optional<PartitionLog> existing = topics.partition(IndexedEventStore.ALL_TOPIC, 0);
    if (existing.isPresent()) {
      return existing.get();
    }
    Map<String, String> configs = new HashMap<>();
    configs.put(LogConfig.RETENTION_MS, "-1");
    configs.put(LogConfig.RETENTION_BYTES, "-1");
    // One append is one batch: room for the largest append plus per-record overhead.
    configs.put("max.message.bytes", Integer.toString(limits.maxAppendBytes() * 2 + (64 << 10)));
    try {
      topics.create(IndexedEventStore.ALL_TOPIC, 1, configs).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException(
          "cannot create the $all topic " + IndexedEventStore.ALL_TOPIC + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted creating the $all topic", e);
    }
    return topics
        .partition(IndexedEventStore.ALL_TOPIC, 0)
        .orElseThrow(
            () ->
                new IOException(
                    "the $all topic " + IndexedEventStore.ALL_TOPIC + " has no partition"));
  }

  /**
   * Opens the index in {@code indexDir}, rebuilding it (empty, to be caught up) when its checkpoint
   * lies outside what {@code log} holds.
   */
  static StreamIndex openIndex(Path indexDir, PartitionLog log) throws IOException {
    StreamIndex index = StreamIndex.open(indexDir);
    if (index.indexedUpTo() > log.logEndOffset() || index.indexedUpTo() < log.logStartOffset()) {
      LOG.warn(
          "Stream index reaches offset {} but $all holds [{}, {}); rebuilding it.",
          index.indexedUpTo(),
          log.logStartOffset(),
          log.logEndOffset());
      index.close();
      deleteTree(indexDir);
      index = StreamIndex.open(indexDir);
    }
    return index;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Indexes what {@code log} holds beyond the index's checkpoint, page by page through {@code
   * indexer}. Stops at a damaged range of {@code $all}: the index must hold every event up to its
   * checkpoint, in log order, so nothing after the damage is indexed.
   *
   * @throws EventStoreException when the log cannot be read for another reason than damage
   */
  static CatchUp catchUp(
      PartitionLog log, StreamIndex index, EventStoreReader reader, PageIndexer indexer) {
    long from = index.indexedUpTo();
    long end = log.logEndOffset();
    long events = 0;
    long started = System.nanoTime();
    while (from < end) {
      List<RecordedEvent> page = new ArrayList<>();
      long next;
      try {
        next = reader.readLog(from, end, page, Integer.MAX_VALUE);
      } catch (EventStoreException e) {
        if (!(e.getCause() instanceof LogDamagedException damaged)) {
          throw e;
        }
        return new CatchUp(from, damaged);
      }
      if (next <= from) {
        break;
      }
      indexer.index(page, next);
      events += page.size();
      from = next;
    }
    if (events > 0) {
      LOG.info(
          "Indexed {} events of $all up to position {} in {} ms.",
          events,
          from,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
    return new CatchUp(from, null);
  }
}
