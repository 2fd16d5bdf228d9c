package io.watershed.core.stream;

import io.watershed.core.topic.TopicStore;
import io.watershed.log.PartitionLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The {@link EventStore} on a single-partition log (the topic {@value #ALL_TOPIC}, which is {@code
 * $all}) and a {@link StreamIndex}.
 *
 * <p>This class is the store's public face; the work is done by its parts: {@link
 * EventStoreRecovery} opens the log and the index and indexes what the log holds beyond the index,
 * the {@link EventStoreWriter} appends and indexes (and stops and resumes appends after a failure),
 * the {@link EventStoreReader} reads streams and {@code $all} and caches stream metadata, the
 * {@link EventStoreScavenger} reclaims the space of events no read can return, and {@link
 * StreamHeads} knows each stream's indexed head.
 *
 * <p>Invariants: every event below {@link #endPosition()} is in the index; a stream's revisions
 * have no gaps; the projection streams' link revisions are assigned in log order, so a rebuild from
 * the log gives the same links; a completed append is readable. A failed write stops appends until
 * the store has caught up again by itself (see {@link EventStoreWriter}).
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class IndexedEventStore implements EventStore {
  /** The topic whose single partition is {@code $all}; Kafka clients can read it. */
  public static final String ALL_TOPIC = "__eventstore_all";

  static {
    if (!TopicStore.isInternal(ALL_TOPIC)) {
      throw new ExceptionInInitializerError(
          ALL_TOPIC + " must be one of TopicStore.INTERNAL_TOPICS");
    }
  }

  private final PartitionLog log;
  private final StreamIndex index;
  private final StreamHeads heads;
  private final EventStoreLimits limits;
  private final EventStoreReader reader;
  private final EventStoreWriter writer;
  private final EventStoreScavenger scavenger;

  private IndexedEventStore(
      TopicStore topics,
      PartitionLog log,
      StreamIndex index,
      EventStoreLimits limits,
      LongSupplier clock) {
    this.log = log;
    this.index = index;
    this.limits = limits;
    this.heads = new StreamHeads(index);
    this.reader = new EventStoreReader(log, index, heads, limits, clock);
    this.writer = new EventStoreWriter(log, index, heads, reader, limits, clock);
    this.scavenger = new EventStoreScavenger(log, topics.logs(), reader, clock);
  }

  /**
   * Opens the store on {@code topics}, creating the {@code $all} topic when missing, and brings the
   * index in {@code indexDir} up to the end of the log (rebuilding it when it is ahead of the log,
   * which only a lost log tail can cause).
   */
  public static IndexedEventStore open(TopicStore topics, Path indexDir, EventStoreLimits limits)
      throws IOException {
    return open(topics, indexDir, limits, System::currentTimeMillis);
  }

  static IndexedEventStore open(
      TopicStore topics, Path indexDir, EventStoreLimits limits, LongSupplier clock)
      throws IOException {
    PartitionLog log = EventStoreRecovery.allLog(topics, limits);
    StreamIndex index = EventStoreRecovery.openIndex(indexDir, log);
    IndexedEventStore store = new IndexedEventStore(topics, log, index, limits, clock);
    try {
      store.writer.catchUpOnOpen();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  @Override
  public CompletableFuture<AppendOutcome> append(
      String stream, ExpectedRevision expected, List<ProposedEvent> events) {
    return writer.append(stream, expected, events);
  }

  @Override
  public CompletableFuture<Long> delete(String stream, ExpectedRevision expected) {
    return writer.delete(stream, expected);
  }

  @Override
  public CompletableFuture<Long> tombstone(String stream, ExpectedRevision expected) {
    return writer.tombstone(stream, expected);
  }

  @Override
  public void checkStreamName(String stream) {
    StreamNames.check(stream, limits);
  }

  @Override
  public StreamReadResult readStream(
      String stream, long fromRevision, boolean forwards, long maxCount, boolean resolveLinks) {
    return reader.readStream(stream, fromRevision, forwards, maxCount, resolveLinks);
  }

  @Override
  public List<ResolvedEvent> readAll(
      long fromPosition, boolean forwards, int maxCount, boolean resolveLinks) {
    return reader.readAll(fromPosition, forwards, maxCount, resolveLinks, writer.endPosition());
  }

  @Override
  public long endPosition() {
    return writer.endPosition();
  }

  @Override
  public void delivered(long events, long bytes) {
    log.traffic().delivered(events, bytes);
  }

  @Override
  public long lastRevision(String stream) {
    StreamNames.check(stream, limits);
    return heads.head(stream).lastRevision();
  }

  /**
   * Reclaims the space of events no read can return any more (those of tombstoned streams, before a
   * stream's {@code $tb}, beyond its {@code $maxCount} or older than its {@code $maxAge}) by
   * rewriting the sealed segments of {@code $all}; appends and reads go on meanwhile. A stream's
   * last event and tombstones are always kept: they carry its revision numbering and deletion
   * through an index rebuild.
   *
   * @return bytes reclaimed
   */
  public long scavenge() {
    return scavenger.scavenge();
  }

  /**
   * Runs {@link #scavenge()} in the background every {@code intervalMs} (the first run after one
   * interval), on a thread of its own, until the store closes.
   */
  public void scavengeEvery(long intervalMs) {
    scavenger.scavengeEvery(intervalMs);
  }

  /** Bytes the index takes on disk and in memory tables (approximate). */
  public long indexSizeBytes() {
    return index.approximateSizeBytes();
  }

  @Override
  public void addListener(Consumer<Set<String>> onAppended) {
    writer.addListener(onAppended);
  }

  @Override
  public void removeListener(Consumer<Set<String>> onAppended) {
    writer.removeListener(onAppended);
  }

  @Override
  public void close() {
    scavenger.close();
    writer.close();
    index.close();
  }
}
