package io.watershed.core.stream;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Streams of events in one global order, {@code $all}: the protocol-free model behind the
 * event-store front door.
 *
 * <p>Semantics (EventStoreDB's): a stream's events are numbered by revision from 0 without gaps; an
 * append of several events is atomic and takes consecutive revisions and increasing positions; an
 * append is acknowledged once it is durable under {@code log.flush}. A stream named {@code $$s}
 * holds the metadata of stream {@code s} (events of type {@code $metadata} with a JSON object
 * carrying {@code $maxAge} seconds, {@code $maxCount}, {@code $tb} the truncate-before revision),
 * which reads of {@code s} honour. A soft delete hides the stream's events (later appends continue
 * the revisions); a tombstone deletes it for good. The system projections {@code $ce-<category>}
 * (category = the stream name up to its first {@code -}), {@code $et-<type>}, {@code $streams} and
 * {@code $category-<category>} ({@code $stream_by_category}) are streams of links kept up to date
 * with every append.
 *
 * <p>Thread-safe; expected-revision checks hold under any number of concurrent appenders.
 */
public interface EventStore extends AutoCloseable {
  /** Reading from this revision or position means "from the end". */
  long END = Long.MAX_VALUE;

  /**
   * Appends events to a stream atomically. Completes with the outcome once durable, or
   * exceptionally with {@link WrongExpectedRevisionException}, {@link StreamDeletedException},
   * {@link InvalidEventException}, {@link AppendTooLargeException} or another {@link
   * EventStoreException} (storage failure). Appending again the same event ids at the same place (a
   * client's retry) succeeds without writing them twice.
   */
  CompletableFuture<AppendOutcome> append(
      String stream, ExpectedRevision expected, List<ProposedEvent> events);

  /**
   * Reads up to {@code maxCount} entries of a stream from {@code fromRevision} (inclusive; {@link
   * #END} = from the last one when reading backwards), forwards or backwards.
   *
   * @param resolveLinks return link targets with their links instead of bare links
   * @throws StreamDeletedException when the stream is tombstoned
   */
  StreamReadResult readStream(
      String stream, long fromRevision, boolean forwards, long maxCount, boolean resolveLinks);

  /**
   * Reads up to {@code maxCount} events of {@code $all}: forwards, those at positions ≥ {@code
   * fromPosition}; backwards, those at positions &lt; {@code fromPosition} ({@link #END}: from the
   * last), newest first. Includes events of every stream, system streams included, except those
   * hidden by deletion, truncation or tombstones. Link events are returned as they are.
   */
  default List<ResolvedEvent> readAll(long fromPosition, boolean forwards, int maxCount) {
    return readAll(fromPosition, forwards, maxCount, false);
  }

  /**
   * As {@link #readAll(long, boolean, int)}, and with {@code resolveLinks} each link event (type
   * {@code $>}) whose target can still be read comes with its target, as in {@link #readStream}.
   * Paging is by the position of the entry read (the link), so a resolved page resumes after it.
   */
  List<ResolvedEvent> readAll(
      long fromPosition, boolean forwards, int maxCount, boolean resolveLinks);

  /**
   * Soft-deletes a stream: reads say it is not found, and a later append continues its revisions.
   * Completes with the position of the deletion record.
   */
  CompletableFuture<Long> delete(String stream, ExpectedRevision expected);

  /** Tombstones a stream: it can never be read or written again. Completes with its position. */
  CompletableFuture<Long> tombstone(String stream, ExpectedRevision expected);

  /** The position just past the last event readable now (0 when {@code $all} is empty). */
  long endPosition();

  /**
   * Tells that {@code events} events, of {@code bytes} bytes of data and metadata, were sent to a
   * reader, for the traffic counters of the log behind {@code $all}. Whoever sends them counts them
   * (a front door, the admin API): the store's own reads (projections, subscriptions' look ahead)
   * are not deliveries.
   */
  void delivered(long events, long bytes);

  /** The stream's last revision, or -1 when it does not exist. */
  long lastRevision(String stream);

  /**
   * Refuses a stream name no stream can have (empty, too long, with a NUL character).
   *
   * @throws InvalidEventException saying what is wrong with it
   */
  void checkStreamName(String stream);

  /**
   * Registers a callback run (on the store's thread; it must not block) each time {@link
   * #endPosition()} advances, so subscriptions can read what is new. It is given the streams whose
   * last revision moved (projection and {@code $$} streams included; possibly none), so that a
   * subscription to one stream need not look when others change.
   */
  void addListener(Consumer<Set<String>> onAppended);

  void removeListener(Consumer<Set<String>> onAppended);

  @Override
  void close();
}
