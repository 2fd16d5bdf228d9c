package io.watershed.core.stream;

import io.watershed.core.topic.TopicStore;
import io.watershed.log.AppendOptions;
import io.watershed.log.AppendResult;
import io.watershed.log.LogConfig;
import io.watershed.log.LogDamagedException;
import io.watershed.log.LogException;
import io.watershed.log.LogManager;
import io.watershed.log.LogSlice;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventStore} on a single-partition log (the topic {@value #ALL_TOPIC}, which is {@code
 * $all}) and a {@link StreamIndex}.
 *
 * <p>Appending: under the stream's lock, the expected revision is checked against the stream's head
 * (the last indexed revision, or the last revision of appends still in flight), revisions are
 * assigned, and the batch is handed to the log; the lock is not held while the log makes it
 * durable, so appends to one stream pipeline and appends to different streams share fsyncs. A
 * global submit lock makes the order in which appends reach the log the order of {@link #inFlight},
 * so the single indexing thread applies them to the index in log order as they become durable, and
 * only then completes them: a completed append is readable.
 *
 * <p>Invariants: every event below {@link #endPosition()} is in the index; a stream's revisions
 * have no gaps; the projection streams' link revisions are assigned in log order, so a rebuild from
 * the log gives the same links. A failed log write (or index write) stops all further appends (the
 * log refuses them too), so no revision is ever skipped: revisions are assigned on top of appends
 * in flight. The store takes appends again by itself once nothing is in flight any more, the log
 * takes writes again (a full disk got space) and the index has caught up with the log — the events
 * of appends whose log write succeeded but whose index write failed are indexed then — retried once
 * a second ({@link #RESUME_RETRY_MS}).
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

  private static final Logger LOG = LoggerFactory.getLogger(IndexedEventStore.class);

  /** How often a store stopped by a failed write tries to take appends again. */
  static final long RESUME_RETRY_MS = 1000;

  private static final int STRIPES = 1024;
  private static final int READ_BYTES = 1 << 20;
  private static final int INDEX_PAGE = 512;
  private static final int MAX_CACHED_STREAMS = 1 << 18;
  private static final int RECENT_IDS = 1 << 18;

  /** A stream as the index knows it; {@code id} -1 when the index has never seen it. */
  private record Head(long id, long lastRevision, boolean tombstoned) {
    static final Head ABSENT = new Head(-1, -1, false);
  }

  /** Appends to a stream accepted but not yet indexed. */
  private record Pending(long lastRevision, boolean tombstoned, int inFlight) {}

  /** Where a recent event is, to recognise a client's retry. */
  private record Placed(String stream, long revision, long position) {}

  /** An append handed to the log, in log order. */
  private static final class Submitted {
    final String stream;
    final long firstRevision;
    final List<ProposedEvent> events;
    final long createdMillis;
    final CompletableFuture<AppendOutcome> done = new CompletableFuture<>();
    AppendResult result;
    Throwable failure;

    Submitted(String stream, long firstRevision, List<ProposedEvent> events, long createdMillis) {
      this.stream = stream;
      this.firstRevision = firstRevision;
      this.events = events;
      this.createdMillis = createdMillis;
    }
  }

  private final PartitionLog log;
  private final LogManager logs;
  private final StreamIndex index;
  private final EventStoreLimits limits;
  private final LongSupplier clock;
  private final Object[] stripes = new Object[STRIPES];
  private final Object submitLock = new Object();
  private final ExecutorService indexer;

  /** Appends handed to the log and not yet indexed, in log order; touched under submitLock. */
  private final ArrayDeque<Submitted> inFlight = new ArrayDeque<>();

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicBoolean drainQueued =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** Heads of streams the indexer wrote lately; written only by the indexing thread. */
  private final Map<String, Head> heads = new ConcurrentHashMap<>();

  private final Map<String, StreamMetadata> metadataCache = new ConcurrentHashMap<>();
  private final AtomicLong metadataEpoch = new AtomicLong();

  /** Event id to where it went, for the last {@value #RECENT_IDS} events; indexer writes. */
  private final Map<UUID, Placed> recentIds = new ConcurrentHashMap<>();

  private final ArrayDeque<UUID> recentOrder = new ArrayDeque<>();
  private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
  private volatile long endPosition;
  private volatile EventStoreException failure;
  private ScheduledExecutorService scavenger;

  private IndexedEventStore(
      PartitionLog log,
      LogManager logs,
      StreamIndex index,
      EventStoreLimits limits,
      LongSupplier clock) {
    this.log = log;
    this.logs = logs;
    this.index = index;
    this.limits = limits;
    this.clock = clock;
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Object();
    }
    this.indexer =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "eventstore-indexer");
              t.setDaemon(true);
              return t;
            });
    this.endPosition = index.indexedUpTo();
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
    PartitionLog log = allLog(topics, limits);
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
    IndexedEventStore store = new IndexedEventStore(log, topics.logs(), index, limits, clock);
    try {
      if (!store.catchUp()) {
        store.resumeLater();
      }
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private static PartitionLog allLog(TopicStore topics, EventStoreLimits limits)
      throws IOException {
    Optional<PartitionLog> existing = topics.partition(ALL_TOPIC, 0);
    if (existing.isPresent()) {
      return existing.get();
    }
    Map<String, String> configs = new HashMap<>();
    configs.put(LogConfig.RETENTION_MS, "-1");
    configs.put(LogConfig.RETENTION_BYTES, "-1");
    // One append is one batch: room for the largest append plus per-record overhead.
    configs.put("max.message.bytes", Integer.toString(limits.maxAppendBytes() * 2 + (64 << 10)));
    try {
      topics.create(ALL_TOPIC, 1, configs).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot create the $all topic " + ALL_TOPIC + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted creating the $all topic", e);
    }
    return topics
        .partition(ALL_TOPIC, 0)
        .orElseThrow(() -> new IOException("the $all topic " + ALL_TOPIC + " has no partition"));
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
   * Indexes what the log holds beyond the index (after a crash, a lost index, or a failed index
   * write). Stops at a damaged range of {@code $all}: the index must hold every event up to its
   * checkpoint, in log order, so nothing after the damage is indexed and appends are refused (the
   * door stays up, reads of what is indexed go on) until an operator skips the damage; then a retry
   * indexes on past the gap.
   *
   * @return whether the index reached the end of the log
   */
  private boolean catchUp() {
    long from = index.indexedUpTo();
    long end = log.logEndOffset();
    long events = 0;
    long started = System.nanoTime();
    while (from < end) {
      List<RecordedEvent> page = new ArrayList<>();
      long next;
      try {
        next = readLog(from, end, page, Integer.MAX_VALUE);
      } catch (EventStoreException e) {
        if (!(e.getCause() instanceof LogDamagedException damaged)) {
          throw e;
        }
        if (failure == null || !(failure.getCause() instanceof LogDamagedException)) {
          failure =
              new EventStoreException(
                  "appends are refused: $all cannot be indexed past position "
                      + from
                      + " ("
                      + damaged.getMessage()
                      + ")",
                  damaged);
          LOG.error("Event store stops taking appends: {}", failure.getMessage());
        }
        endPosition = Math.max(from, index.indexedUpTo());
        return false;
      }
      if (next <= from) {
        break;
      }
      apply(page, next);
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
    endPosition = Math.max(from, index.indexedUpTo());
    return true;
  }

  /**
   * Reads events at positions [from, end) from the log into {@code out}, one slice, whole batches,
   * until {@code out} holds {@code max} events; returns the position after the last record read
   * (records that are not events are skipped).
   */
  private long readLog(long from, long end, List<RecordedEvent> out, int max) {
    try (LogSlice slice = log.read(from, READ_BYTES, true)) {
      ByteBuffer b = slice.readWholeBatches();
      long next = from;
      int at = b.position();
      while (at < b.limit() && out.size() < max) {
        for (Record r : RecordLayout.readRecords(b, at)) {
          if (r.offset() >= from && r.offset() < end) {
            RecordedEvent e = EventRecords.event(r);
            if (e != null) {
              out.add(e);
            }
            next = r.offset() + 1;
          }
        }
        next = Math.max(next, Math.min(end, RecordBatchLayout.lastOffset(b, at) + 1));
        at += RecordBatchLayout.sizeInBytes(b, at);
      }
      return next;
    } catch (IOException | LogException e) {
      throw new EventStoreException("cannot read $all at " + from + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Appending

  @Override
  public CompletableFuture<AppendOutcome> append(
      String stream, ExpectedRevision expected, List<ProposedEvent> events) {
    try {
      checkWritableName(stream);
      int size = 0;
      for (ProposedEvent e : events) {
        if (e.type().isEmpty()) {
          throw new InvalidEventException("event " + e.id() + " has an empty type");
        }
        size += e.size();
      }
      if (size > limits.maxAppendBytes()) {
        throw new AppendTooLargeException(size, limits.maxAppendBytes());
      }
      return appendChecked(stream, expected, List.copyOf(events));
    } catch (EventStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private CompletableFuture<AppendOutcome> appendChecked(
      String stream, ExpectedRevision expected, List<ProposedEvent> events) {
    synchronized (stripe(stream)) {
      checkNotFailed();
      Head h = currentHead(stream);
      if (h.tombstoned()) {
        throw new StreamDeletedException(stream);
      }
      boolean exists = visiblyExists(stream, h);
      boolean holds =
          switch (expected) {
            case ExpectedRevision.Any any -> true;
            case ExpectedRevision.NoStream none -> !exists;
            case ExpectedRevision.StreamExists se -> exists;
            case ExpectedRevision.Exact x -> x.revision() == h.lastRevision();
          };
      boolean mayRepeat =
          !holds
              || expected instanceof ExpectedRevision.Any
              || expected instanceof ExpectedRevision.StreamExists;
      if (mayRepeat && !events.isEmpty()) {
        AppendOutcome repeated = repeatedAppend(stream, events);
        if (repeated != null) {
          return CompletableFuture.completedFuture(repeated);
        }
      }
      if (!holds) {
        throw new WrongExpectedRevisionException(
            stream, expected, exists ? h.lastRevision() : WrongExpectedRevisionException.NO_STREAM);
      }
      if (events.isEmpty()) {
        return CompletableFuture.completedFuture(
            new AppendOutcome(h.lastRevision(), Math.max(0, endPosition - 1)));
      }
      long first = h.lastRevision() + 1;
      return submit(stream, first, events, false);
    }
  }

  /** The outcome of the original append when {@code events} repeat one just made, else null. */
  private AppendOutcome repeatedAppend(String stream, List<ProposedEvent> events) {
    Placed first = recentIds.get(events.get(0).id());
    if (first == null || !first.stream().equals(stream)) {
      return null;
    }
    Placed last = first;
    for (int i = 1; i < events.size(); i++) {
      Placed p = recentIds.get(events.get(i).id());
      if (p == null || !p.stream().equals(stream) || p.revision() != first.revision() + i) {
        return null;
      }
      last = p;
    }
    return new AppendOutcome(last.revision(), last.position());
  }

  /**
   * Hands a batch to the log; caller holds the stream's lock and has checked the expected revision.
   */
  private CompletableFuture<AppendOutcome> submit(
      String stream, long firstRevision, List<ProposedEvent> events, boolean tombstone) {
    long now = clock.getAsLong();
    ByteBuffer batch =
        tombstone
            ? EventRecords.tombstone(stream, now)
            : EventRecords.batch(stream, firstRevision, events, now);
    long lastRevision =
        tombstone ? EventRecords.TOMBSTONE_REVISION : firstRevision + events.size() - 1;
    Submitted s = new Submitted(stream, firstRevision, tombstone ? List.of() : events, now);
    pending.compute(
        stream,
        (k, p) ->
            new Pending(
                tombstone ? (p == null ? -1 : p.lastRevision()) : lastRevision,
                tombstone || (p != null && p.tombstoned()),
                p == null ? 1 : p.inFlight() + 1));
    CompletableFuture<AppendResult> appended;
    synchronized (submitLock) {
      appended = log.append(batch, AppendOptions.DURABLE);
      inFlight.add(s);
    }
    appended.whenComplete(
        (r, t) -> {
          s.result = r;
          s.failure = t;
          requestDrain();
        });
    return s.done;
  }

  /**
   * Asks the indexing thread to drain, unless a drain is already queued: a burst of completions
   * wakes the thread once, not once per append (waking a thread costs more than indexing).
   */
  private void requestDrain() {
    if (drainQueued.compareAndSet(false, true)) {
      try {
        indexer.execute(
            () -> {
              drainQueued.set(false);
              drain();
            });
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        drainQueued.set(false);
      }
    }
  }

  /** On the indexing thread: indexes the completed appends at the head of {@link #inFlight}. */
  private void drain() {
    List<Submitted> finished = new ArrayList<>();
    synchronized (submitLock) {
      while (!inFlight.isEmpty()
          && (inFlight.peek().result != null || inFlight.peek().failure != null)) {
        finished.add(inFlight.poll());
      }
    }
    if (finished.isEmpty()) {
      return;
    }
    // One index write for everything that finished: the indexer keeps up by batching.
    List<RecordedEvent> written = new ArrayList<>();
    List<Submitted> applied = new ArrayList<>(finished.size());
    long next = -1;
    for (Submitted s : finished) {
      if (s.failure != null) {
        if (failure == null) {
          failure =
              new EventStoreException(
                  "appends are refused after a failed write to $all: " + s.failure.getMessage(),
                  s.failure);
          LOG.error("Event store stops taking appends: {}", failure.getMessage());
          resumeLater();
        }
        continue;
      }
      long position = s.result.firstOffset();
      if (s.events.isEmpty()) {
        written.add(
            new RecordedEvent(
                s.stream,
                EventRecords.TOMBSTONE_REVISION,
                position,
                new UUID(0, 0),
                EventRecords.TOMBSTONE_TYPE,
                "application/json",
                new byte[0],
                new byte[0],
                s.createdMillis));
      } else {
        for (int i = 0; i < s.events.size(); i++) {
          ProposedEvent e = s.events.get(i);
          written.add(
              new RecordedEvent(
                  s.stream,
                  s.firstRevision + i,
                  position + i,
                  e.id(),
                  e.type(),
                  e.contentType(),
                  e.data(),
                  e.metadata(),
                  s.createdMillis));
        }
      }
      applied.add(s);
      next = s.result.lastOffset() + 1;
    }
    Set<String> touched = Set.of();
    if (!applied.isEmpty()) {
      try {
        touched = apply(written, next);
      } catch (RuntimeException e) {
        for (Submitted s : applied) {
          s.failure = e;
        }
        if (failure == null) {
          failure = new EventStoreException("stream index failed: " + e.getMessage(), e);
          LOG.error("Event store stops taking appends: {}", failure.getMessage());
          resumeLater();
        }
      }
    }
    // Subscriptions hear of the events before their appenders do.
    for (Consumer<Set<String>> l : listeners) {
      try {
        l.accept(touched);
      } catch (RuntimeException e) {
        LOG.warn("An event-store listener failed: {}", e.toString());
      }
    }
    for (Submitted s : finished) {
      pending.computeIfPresent(
          s.stream,
          (k, p) ->
              p.inFlight() <= 1
                  ? null
                  : new Pending(p.lastRevision(), p.tombstoned(), p.inFlight() - 1));
      if (s.failure != null) {
        s.done.completeExceptionally(
            s.failure instanceof EventStoreException e
                ? e
                : new EventStoreException("append failed: " + s.failure.getMessage(), s.failure));
      } else {
        long last =
            s.events.isEmpty()
                ? EventRecords.TOMBSTONE_REVISION
                : s.firstRevision + s.events.size() - 1;
        s.done.complete(new AppendOutcome(last, s.result.lastOffset()));
      }
    }
  }

  /**
   * Indexes {@code events} (in log order) and moves the checkpoint to {@code next}. Runs on the
   * indexing thread, or during open before anything else.
   *
   * @return the streams whose heads moved (projections and {@code $$} streams included)
   */
  private Set<String> apply(List<RecordedEvent> events, long next) {
    StreamIndex.Changes changes = index.changes();
    Map<String, Head> touched = new LinkedHashMap<>();
    long[] nextId = {index.nextStreamId()};
    List<String> metadataChanged = new ArrayList<>();
    for (RecordedEvent e : events) {
      Head h = touched.computeIfAbsent(e.stream(), this::indexedHead);
      if (h.id() < 0) {
        h = new Head(nextId[0]++, -1, false);
      }
      if (e.revision() == EventRecords.TOMBSTONE_REVISION) {
        h = new Head(h.id(), h.lastRevision(), true);
      } else {
        changes.putEntry(h.id(), e.revision(), e.position());
        h = new Head(h.id(), Math.max(h.lastRevision(), e.revision()), h.tombstoned());
        rememberId(e);
      }
      touched.put(e.stream(), h);
      if (e.stream().startsWith("$$")) {
        metadataChanged.add(e.stream().substring(2));
      } else if (!e.stream().startsWith("$") && e.revision() != EventRecords.TOMBSTONE_REVISION) {
        String category = Projections.category(e.stream());
        if (category != null) {
          link(Projections.BY_CATEGORY_PREFIX + category, e, touched, changes, nextId);
        }
        link(Projections.BY_EVENT_TYPE_PREFIX + e.type(), e, touched, changes, nextId);
        if (e.revision() == 0) {
          link(Projections.STREAMS, e, touched, changes, nextId);
          if (category != null) {
            link(Projections.STREAM_BY_CATEGORY_PREFIX + category, e, touched, changes, nextId);
          }
        }
      }
    }
    for (Map.Entry<String, Head> t : touched.entrySet()) {
      Head h = t.getValue();
      changes.putStream(
          t.getKey(), new StreamIndex.StreamEntry(h.id(), h.lastRevision(), h.tombstoned()));
    }
    index.commit(changes, next, nextId[0]);
    if (heads.size() + touched.size() > MAX_CACHED_STREAMS) {
      heads.clear();
    }
    heads.putAll(touched);
    if (!metadataChanged.isEmpty()) {
      metadataEpoch.incrementAndGet();
      metadataChanged.forEach(metadataCache::remove);
    }
    endPosition = next;
    return Collections.unmodifiableSet(touched.keySet());
  }

  private void link(
      String projection,
      RecordedEvent target,
      Map<String, Head> touched,
      StreamIndex.Changes changes,
      long[] nextId) {
    Head h = touched.computeIfAbsent(projection, this::indexedHead);
    if (h.id() < 0) {
      h = new Head(nextId[0]++, -1, false);
    }
    long revision = h.lastRevision() + 1;
    changes.putEntry(h.id(), revision, target.position());
    touched.put(projection, new Head(h.id(), revision, false));
  }

  private void rememberId(RecordedEvent e) {
    if (recentIds.put(e.id(), new Placed(e.stream(), e.revision(), e.position())) == null) {
      recentOrder.add(e.id());
      if (recentOrder.size() > RECENT_IDS) {
        recentIds.remove(recentOrder.poll());
      }
    }
  }

  @Override
  public CompletableFuture<Long> delete(String stream, ExpectedRevision expected) {
    try {
      checkWritableName(stream);
      long truncateBefore;
      synchronized (stripe(stream)) {
        checkNotFailed();
        Head h = currentHead(stream);
        checkExpected(stream, h, expected);
        truncateBefore = h.lastRevision() + 1;
      }
      byte[] current = metadataJson(stream);
      ProposedEvent md =
          new ProposedEvent(
              UUID.randomUUID(),
              EventRecords.METADATA_TYPE,
              "application/json",
              StreamMetadata.withTruncateBefore(current, truncateBefore),
              new byte[0]);
      String metaStream = "$$" + stream;
      synchronized (stripe(metaStream)) {
        Head mh = currentHead(metaStream);
        return submit(metaStream, mh.lastRevision() + 1, List.of(md), false)
            .thenApply(AppendOutcome::position);
      }
    } catch (EventStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Long> tombstone(String stream, ExpectedRevision expected) {
    try {
      checkWritableName(stream);
      synchronized (stripe(stream)) {
        checkNotFailed();
        Head h = currentHead(stream);
        checkExpected(stream, h, expected);
        return submit(stream, h.lastRevision() + 1, List.of(), true)
            .thenApply(AppendOutcome::position);
      }
    } catch (EventStoreException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void checkExpected(String stream, Head h, ExpectedRevision expected) {
    if (h.tombstoned()) {
      throw new StreamDeletedException(stream);
    }
    boolean exists = visiblyExists(stream, h);
    boolean holds =
        switch (expected) {
          case ExpectedRevision.Any any -> true;
          case ExpectedRevision.NoStream none -> !exists;
          case ExpectedRevision.StreamExists se -> exists;
          case ExpectedRevision.Exact x -> x.revision() == h.lastRevision();
        };
    if (!holds) {
      throw new WrongExpectedRevisionException(
          stream, expected, exists ? h.lastRevision() : WrongExpectedRevisionException.NO_STREAM);
    }
  }

  /** Whether the stream has events a read would show (not never written, not soft-deleted). */
  private boolean visiblyExists(String stream, Head h) {
    return h.lastRevision() >= 0 && metadata(stream).truncateBefore() <= h.lastRevision();
  }

  /** Tries {@link #tryResume} on the indexing thread in {@link #RESUME_RETRY_MS}. */
  private void resumeLater() {
    try {
      CompletableFuture.delayedExecutor(RESUME_RETRY_MS, TimeUnit.MILLISECONDS, indexer)
          .execute(this::tryResume);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      // Closing: nothing to resume.
    }
  }

  /**
   * On the indexing thread: lifts the failure once nothing is in flight (so every stream's head is
   * its indexed one again), the log takes writes, and the index has caught up with the log.
   * Otherwise tries again later.
   */
  private void tryResume() {
    EventStoreException f = failure;
    if (f == null || indexer.isShutdown()) {
      return;
    }
    boolean idle;
    synchronized (submitLock) {
      idle = inFlight.isEmpty();
    }
    if (!idle || log.isFenced()) {
      resumeLater();
      return;
    }
    try {
      // Fails while the index still refuses writes; stops short at damage not yet skipped.
      if (!catchUp()) {
        resumeLater();
        return;
      }
      failure = null;
      LOG.info("Event store takes appends again (after: {})", f.getMessage());
    } catch (RuntimeException e) {
      LOG.debug("Event store cannot take appends yet: {}", e.toString());
      resumeLater();
    }
  }

  private void checkNotFailed() {
    EventStoreException f = failure;
    if (f != null) {
      throw f;
    }
  }

  /**
   * Names a client may write to: not empty, not too long, no NUL, and not a stream the store
   * maintains itself (the projections).
   */
  private void checkWritableName(String stream) {
    checkName(stream);
    if (Projections.isProjection(stream)) {
      throw new InvalidEventException("stream " + stream + " is maintained by a projection");
    }
  }

  @Override
  public void checkStreamName(String stream) {
    checkName(stream);
  }

  private void checkName(String stream) {
    if (stream == null || stream.isEmpty()) {
      throw new InvalidEventException("the stream name is empty");
    }
    if (stream.getBytes(StandardCharsets.UTF_8).length > limits.maxStreamNameBytes()) {
      throw new InvalidEventException(
          "the stream name is longer than " + limits.maxStreamNameBytes() + " bytes");
    }
    if (stream.indexOf('\0') >= 0) {
      throw new InvalidEventException("the stream name contains a NUL character");
    }
  }

  private Object stripe(String stream) {
    return stripes[(stream.hashCode() & 0x7fffffff) % STRIPES];
  }

  /**
   * The head as appenders must see it: in-flight appends first, then the index. Reading pending
   * first matters: the indexer updates the index before it forgets an in-flight append.
   */
  private Head currentHead(String stream) {
    Pending p = pending.get(stream);
    Head indexed = indexedHead(stream);
    if (p == null) {
      return indexed;
    }
    return new Head(
        indexed.id(),
        Math.max(indexed.lastRevision(), p.lastRevision()),
        p.tombstoned() || indexed.tombstoned());
  }

  private Head indexedHead(String stream) {
    Head h = heads.get(stream);
    if (h != null) {
      return h;
    }
    StreamIndex.StreamEntry e = index.stream(stream);
    return e == null ? Head.ABSENT : new Head(e.id(), e.lastRevision(), e.tombstoned());
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  @Override
  public StreamReadResult readStream(
      String stream, long fromRevision, boolean forwards, long maxCount, boolean resolveLinks) {
    checkName(stream);
    Head h = indexedHead(stream);
    if (h.tombstoned()) {
      throw new StreamDeletedException(stream);
    }
    StreamMetadata md = metadata(stream);
    if (h.id() < 0 || h.lastRevision() < 0 || md.truncateBefore() > h.lastRevision()) {
      return new StreamReadResult.NotFound(stream);
    }
    long firstVisible =
        Math.max(md.truncateBefore(), md.maxCount() > 0 ? h.lastRevision() - md.maxCount() + 1 : 0);
    long now = clock.getAsLong();
    boolean links = Projections.isProjection(stream);
    BatchReader reader = new BatchReader();
    List<ResolvedEvent> out = new ArrayList<>();
    long revision;
    if (forwards) {
      if (fromRevision == END) {
        return new StreamReadResult.Events(List.of(), h.lastRevision());
      }
      revision = Math.max(fromRevision, firstVisible);
    } else {
      revision = Math.min(fromRevision, h.lastRevision());
    }
    while (out.size() < maxCount
        && (forwards ? revision <= h.lastRevision() : revision >= firstVisible)) {
      int page = (int) Math.min(INDEX_PAGE, maxCount - out.size());
      List<StreamIndex.Entry> entries = index.entries(h.id(), revision, forwards, page);
      if (entries.isEmpty()) {
        break;
      }
      for (StreamIndex.Entry entry : entries) {
        if (entry.revision() < firstVisible || entry.revision() > h.lastRevision()) {
          continue;
        }
        RecordedEvent e = reader.eventAt(entry.position());
        if (e == null) {
          continue;
        }
        if (links) {
          RecordedEvent link = Projections.link(stream, entry.revision(), e);
          out.add(resolveLinks ? new ResolvedEvent(e, link) : new ResolvedEvent(link, null));
        } else if (md.visible(entry.revision(), h.lastRevision(), e.createdMillis(), now)) {
          out.add(resolved(e, resolveLinks, now));
        }
      }
      StreamIndex.Entry last = entries.get(entries.size() - 1);
      revision = forwards ? last.revision() + 1 : last.revision() - 1;
    }
    return new StreamReadResult.Events(out, h.lastRevision());
  }

  @Override
  public List<ResolvedEvent> readAll(
      long fromPosition, boolean forwards, int maxCount, boolean resolveLinks) {
    long end = endPosition;
    long start = log.logStartOffset();
    Map<String, Visibility> seen = new HashMap<>();
    long now = clock.getAsLong();
    List<ResolvedEvent> out = new ArrayList<>();
    if (forwards) {
      long pos = Math.max(fromPosition, start);
      while (pos < end && out.size() < maxCount) {
        List<RecordedEvent> page = new ArrayList<>();
        long next = readLog(pos, end, page, maxCount - out.size());
        for (RecordedEvent e : page) {
          if (out.size() < maxCount && visible(e, seen, now)) {
            out.add(resolved(e, resolveLinks, now));
          }
        }
        if (next <= pos) {
          break;
        }
        pos = next;
      }
      return out;
    }
    long to = Math.min(fromPosition, end);
    while (to > start && out.size() < maxCount) {
      long from = Math.max(start, to - Math.max(64, 2L * (maxCount - out.size())));
      List<RecordedEvent> window = new ArrayList<>();
      long pos = from;
      while (pos < to) {
        long next = readLog(pos, to, window, Integer.MAX_VALUE);
        if (next <= pos) {
          break;
        }
        pos = next;
      }
      Collections.reverse(window);
      for (RecordedEvent e : window) {
        if (out.size() < maxCount && visible(e, seen, now)) {
          out.add(resolved(e, resolveLinks, now));
        }
      }
      to = from;
    }
    return out;
  }

  /** An event read from an ordinary stream or {@code $all}, with its target if it is a link. */
  private ResolvedEvent resolved(RecordedEvent e, boolean resolveLinks, long now) {
    return resolveLinks && Projections.LINK_TYPE.equals(e.type())
        ? resolveLink(e, now)
        : new ResolvedEvent(e, null);
  }

  /**
   * A link event written to an ordinary stream (data {@code "<revision>@<stream>"}, as in the
   * parked-message streams) with its target, or the link alone when the target cannot be read any
   * more (deleted, truncated, expired, tombstoned) or the data is not a link.
   */
  private ResolvedEvent resolveLink(RecordedEvent link, long now) {
    String data = new String(link.data(), StandardCharsets.UTF_8);
    int at = data.indexOf('@');
    if (at > 0) {
      try {
        long revision = Long.parseLong(data.substring(0, at));
        String target = data.substring(at + 1);
        Head h = indexedHead(target);
        if (h.id() >= 0 && !h.tombstoned() && revision <= h.lastRevision()) {
          long position = index.position(h.id(), revision);
          RecordedEvent e = position < 0 ? null : eventAt(position);
          if (e != null
              && metadata(target).visible(revision, h.lastRevision(), e.createdMillis(), now)) {
            return new ResolvedEvent(e, link);
          }
        }
      } catch (NumberFormatException notALink) {
        // shown as it is
      }
    }
    return new ResolvedEvent(link, null);
  }

  /** What decides whether a stream's events show in {@code $all}. */
  private record Visibility(boolean tombstoned, long lastRevision, StreamMetadata metadata) {}

  private boolean visible(RecordedEvent e, Map<String, Visibility> seen, long now) {
    if (e.revision() == EventRecords.TOMBSTONE_REVISION) {
      return false;
    }
    Visibility v =
        seen.computeIfAbsent(
            e.stream(),
            s -> {
              Head h = indexedHead(s);
              return new Visibility(h.tombstoned(), h.lastRevision(), metadata(s));
            });
    return !v.tombstoned()
        && v.metadata().visible(e.revision(), v.lastRevision(), e.createdMillis(), now);
  }

  /** The event at {@code position} of {@code $all}, or null when it is gone or not an event. */
  private RecordedEvent eventAt(long position) {
    return new BatchReader().eventAt(position);
  }

  /**
   * Random reads of {@code $all} for one call: reads just the batch that holds a position, and
   * keeps the last batch read, so that the events of one append (one batch) read one after the
   * other cost one read and one decode. Not thread-safe; one per call.
   */
  private final class BatchReader {
    private long first = -1;
    private long last = -1;
    private List<Record> records = List.of();

    /** The event at {@code position}, or null when it is gone or not an event. */
    RecordedEvent eventAt(long position) {
      if (position < log.logStartOffset()) {
        return null;
      }
      if (position < first || position > last) {
        load(position);
      }
      int lo = 0;
      int hi = records.size() - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        long o = records.get(mid).offset();
        if (o == position) {
          return EventRecords.event(records.get(mid));
        } else if (o < position) {
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return null;
    }

    private void load(long position) {
      // The smallest read still returns the whole batch that holds the position.
      try (LogSlice slice = log.read(position, 1, true)) {
        ByteBuffer b = slice.readWholeBatches();
        int at = b.position();
        while (at < b.limit() && RecordBatchLayout.lastOffset(b, at) < position) {
          at += RecordBatchLayout.sizeInBytes(b, at);
        }
        if (at < b.limit()) {
          first = RecordBatchLayout.baseOffset(b, at);
          last = RecordBatchLayout.lastOffset(b, at);
          records = RecordLayout.readRecords(b, at);
        } else {
          first = position;
          last = position;
          records = List.of();
        }
      } catch (IOException | LogException e) {
        throw new EventStoreException("cannot read $all at " + position + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The stream's metadata as its {@code $$} stream says now. A metadata stream itself shows only
   * its last event, as in KurrentDB (whose clients read it forwards and take the first event).
   */
  private StreamMetadata metadata(String stream) {
    if (stream.startsWith("$$")) {
      return StreamMetadata.METADATA_STREAM;
    }
    StreamMetadata cached = metadataCache.get(stream);
    if (cached != null) {
      return cached;
    }
    long epoch = metadataEpoch.get();
    byte[] json = metadataJson(stream);
    StreamMetadata md = json == null ? StreamMetadata.NONE : StreamMetadata.parse(json);
    if (metadataEpoch.get() == epoch) {
      if (metadataCache.size() > MAX_CACHED_STREAMS) {
        metadataCache.clear();
      }
      metadataCache.put(stream, md);
    }
    return md;
  }

  /** The data of the last event of {@code $$stream}, or null when it has none. */
  private byte[] metadataJson(String stream) {
    Head h = indexedHead("$$" + stream);
    if (h.id() < 0 || h.lastRevision() < 0) {
      return null;
    }
    long position = index.position(h.id(), h.lastRevision());
    RecordedEvent e = position < 0 ? null : eventAt(position);
    return e == null ? null : e.data();
  }

  @Override
  public long endPosition() {
    return endPosition;
  }

  @Override
  public void delivered(long events, long bytes) {
    log.traffic().delivered(events, bytes);
  }

  @Override
  public long lastRevision(String stream) {
    checkName(stream);
    return indexedHead(stream).lastRevision();
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
    long now = clock.getAsLong();
    Map<String, Visibility> seen = new HashMap<>();
    try {
      return logs.retainRecords(
          log.name(),
          r -> {
            RecordedEvent e = EventRecords.event(r);
            if (e == null || e.revision() == EventRecords.TOMBSTONE_REVISION) {
              return true;
            }
            if (seen.size() > 100_000) {
              seen.clear();
            }
            Visibility v =
                seen.computeIfAbsent(
                    e.stream(),
                    s -> {
                      Head h = indexedHead(s);
                      return new Visibility(h.tombstoned(), h.lastRevision(), metadata(s));
                    });
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

  /**
   * Runs {@link #scavenge()} in the background every {@code intervalMs} (the first run after one
   * interval), on a thread of its own, until the store closes.
   */
  public synchronized void scavengeEvery(long intervalMs) {
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

  /** Bytes the index takes on disk and in memory tables (approximate). */
  public long indexSizeBytes() {
    return index.approximateSizeBytes();
  }

  @Override
  public void addListener(Consumer<Set<String>> onAppended) {
    listeners.add(onAppended);
  }

  @Override
  public void removeListener(Consumer<Set<String>> onAppended) {
    listeners.remove(onAppended);
  }

  @Override
  public void close() {
    ScheduledExecutorService s;
    synchronized (this) {
      s = scavenger;
    }
    if (s != null) {
      // A running scavenge reads the index: it must end before the index closes.
      s.shutdown();
      try {
        s.awaitTermination(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    indexer.shutdown();
    try {
      if (!indexer.awaitTermination(10, TimeUnit.SECONDS)) {
        indexer.shutdownNow();
      }
    } catch (InterruptedException e) {
      indexer.shutdownNow();
      Thread.currentThread().interrupt();
    }
    index.close();
  }
}
