package io.watershed.core.stream;

import io.watershed.core.stream.StreamHeads.Head;
import io.watershed.log.AppendOptions;
import io.watershed.log.AppendResult;
import io.watershed.log.LogDamagedException;
import io.watershed.log.PartitionLog;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event store's writer and indexer. Appending: under the stream's lock, the expected revision
 * is checked against the stream's head (the last indexed revision, or the last revision of appends
 * still in flight), revisions are assigned, and the batch is handed to the log; the lock is not
 * held while the log makes it durable, so appends to one stream pipeline and appends to different
 * streams share fsyncs. A global submit lock makes the order in which appends reach the log the
 * order of {@link #inFlight}, so the single indexing thread applies them to the index in log order
 * as they become durable, and only then completes them: a completed append is readable.
 *
 * <p>Failures: a failed log write (or index write) stops all further appends (the log refuses them
 * too), so no revision is ever skipped: revisions are assigned on top of appends in flight. The
 * store takes appends again by itself once nothing is in flight any more, the log takes writes
 * again (a full disk got space) and the index has caught up with the log — the events of appends
 * whose log write succeeded but whose index write failed are indexed then — retried once a second
 * ({@link #RESUME_RETRY_MS}). Damage in {@code $all} stops indexing there (see {@link #catchUp}).
 *
 * <p>Owns the appends in flight, the per-stream pending heads, the recent event ids (to recognise a
 * client's retry), the indexed end ({@link #endPosition}), the failure that refuses appends, the
 * append listeners and the indexing thread.
 *
 * <p>Thread-safety: {@link #append}, {@link #delete} and {@link #tombstone} may be called from any
 * thread (stream stripes and the submit lock order them); indexing, failure handling and resumes
 * run on the single indexing thread, or during open before anything else.
 */
final class EventStoreWriter {
  private static final Logger LOG = LoggerFactory.getLogger(IndexedEventStore.class);

  /** How often a store stopped by a failed write tries to take appends again. */
  static final long RESUME_RETRY_MS = 1000;

  private static final int STRIPES = 1024;
  private static final int RECENT_IDS = 1 << 18;

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
  private final StreamIndex index;
  private final StreamHeads heads;
  private final EventStoreReader reader;
  private final EventStoreLimits limits;
  private final LongSupplier clock;
  private final Object[] stripes = new Object[STRIPES];
  private final Object submitLock = new Object();
  private final ExecutorService indexer;

  /** Appends handed to the log and not yet indexed, in log order; touched under submitLock. */
  private final ArrayDeque<Submitted> inFlight = new ArrayDeque<>();

  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean drainQueued = new AtomicBoolean();

  /** Event id to where it went, for the last {@value #RECENT_IDS} events; indexer writes. */
  private final Map<UUID, Placed> recentIds = new ConcurrentHashMap<>();

  private final ArrayDeque<UUID> recentOrder = new ArrayDeque<>();
  private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();

  /** Every event below this position is in the index; written by the indexer. */
  private volatile long endPosition;

  /** Why appends are refused, or null; set and lifted by the indexer (and by open). */
  private volatile EventStoreException failure;

  EventStoreWriter(
      PartitionLog log,
      StreamIndex index,
      StreamHeads heads,
      EventStoreReader reader,
      EventStoreLimits limits,
      LongSupplier clock) {
    this.log = log;
    this.index = index;
    this.heads = heads;
    this.reader = reader;
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

  /** Every event below this position of {@code $all} is indexed, so reads show it. */
  long endPosition() {
    return endPosition;
  }

  void addListener(Consumer<Set<String>> onAppended) {
    listeners.add(onAppended);
  }

  void removeListener(Consumer<Set<String>> onAppended) {
    listeners.remove(onAppended);
  }

  /**
   * During open: indexes what the log holds beyond the index; when that stops short (damage in
   * {@code $all}), appends are refused and a retry runs every {@link #RESUME_RETRY_MS}.
   */
  void catchUpOnOpen() {
    if (!catchUp()) {
      resumeLater();
    }
  }

  /**
   * Indexes what the log holds beyond the index (after a crash, a lost index, or a failed index
   * write; see {@link EventStoreRecovery#catchUp}). Stopped by damage, it refuses appends (the door
   * stays up, reads of what is indexed go on) until an operator skips the damage; a retry then
   * indexes on past the gap.
   *
   * @return whether the index reached the end of the log
   */
  private boolean catchUp() {
    EventStoreRecovery.CatchUp reached =
        EventStoreRecovery.catchUp(log, index, reader, this::apply);
    LogDamagedException damaged = reached.damage();
    if (damaged != null
        && (failure == null || !(failure.getCause() instanceof LogDamagedException))) {
      failure =
          new EventStoreException(
              "appends are refused: $all cannot be indexed past position "
                  + reached.position()
                  + " ("
                  + damaged.getMessage()
                  + ")",
              damaged);
      LOG.error("Event store stops taking appends: {}", failure.getMessage());
    }
    endPosition = Math.max(reached.position(), index.indexedUpTo());
    return damaged == null;
  }

  /** Stops the indexing thread, letting it finish what it is doing (for close). */
  void close() {
    indexer.shutdown();
    try {
      if (!indexer.awaitTermination(10, TimeUnit.SECONDS)) {
        indexer.shutdownNow();
      }
    } catch (InterruptedException e) {
      indexer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** See {@link EventStore#append}. */
  CompletableFuture<AppendOutcome> append(
      String stream, ExpectedRevision expected, List<ProposedEvent> events) {
    try {
      StreamNames.checkWritable(stream, limits);
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
      } catch (RejectedExecutionException closed) {
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
  Set<String> apply(List<RecordedEvent> events, long next) {
    IndexingPass pass = new IndexingPass();
    for (RecordedEvent e : events) {
      pass.add(e);
    }
    for (Map.Entry<String, Head> t : pass.touched.entrySet()) {
      Head h = t.getValue();
      pass.changes.putStream(
          t.getKey(), new StreamIndex.StreamEntry(h.id(), h.lastRevision(), h.tombstoned()));
    }
    index.commit(pass.changes, next, pass.nextStreamId);
    heads.indexed(pass.touched);
    if (!pass.metadataChanged.isEmpty()) {
      reader.metadataChanged(pass.metadataChanged);
    }
    endPosition = next;
    return Collections.unmodifiableSet(pass.touched.keySet());
  }

  /**
   * One call of {@link #apply}: the index changes it makes, the heads it moves (in the order
   * streams were first touched), the metadata streams it writes, and the next stream id to give
   * out. Projection links get their revisions here, in log order, so a rebuild from the log gives
   * the same links.
   */
  private final class IndexingPass {
    final StreamIndex.Changes changes = index.changes();
    final Map<String, Head> touched = new LinkedHashMap<>();
    final List<String> metadataChanged = new ArrayList<>();
    long nextStreamId = index.nextStreamId();

    void add(RecordedEvent e) {
      Head h = head(e.stream());
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
          link(Projections.BY_CATEGORY_PREFIX + category, e);
        }
        link(Projections.BY_EVENT_TYPE_PREFIX + e.type(), e);
        if (e.revision() == 0) {
          link(Projections.STREAMS, e);
          if (category != null) {
            link(Projections.STREAM_BY_CATEGORY_PREFIX + category, e);
          }
        }
      }
    }

    private void link(String projection, RecordedEvent target) {
      Head h = head(projection);
      long revision = h.lastRevision() + 1;
      changes.putEntry(h.id(), revision, target.position());
      touched.put(projection, new Head(h.id(), revision, false));
    }

    /** The stream's head as this pass left it; a stream new to the index gets the next id. */
    private Head head(String stream) {
      Head h = touched.computeIfAbsent(stream, heads::head);
      return h.id() < 0 ? new Head(nextStreamId++, -1, false) : h;
    }
  }

  private void rememberId(RecordedEvent e) {
    if (recentIds.put(e.id(), new Placed(e.stream(), e.revision(), e.position())) == null) {
      recentOrder.add(e.id());
      if (recentOrder.size() > RECENT_IDS) {
        recentIds.remove(recentOrder.poll());
      }
    }
  }

  /** See {@link EventStore#delete}. */
  CompletableFuture<Long> delete(String stream, ExpectedRevision expected) {
    try {
      StreamNames.checkWritable(stream, limits);
      long truncateBefore;
      synchronized (stripe(stream)) {
        checkNotFailed();
        Head h = currentHead(stream);
        checkExpected(stream, h, expected);
        truncateBefore = h.lastRevision() + 1;
      }
      byte[] current = reader.metadataJson(stream);
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

  /** See {@link EventStore#tombstone}. */
  CompletableFuture<Long> tombstone(String stream, ExpectedRevision expected) {
    try {
      StreamNames.checkWritable(stream, limits);
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
    return h.lastRevision() >= 0 && reader.metadata(stream).truncateBefore() <= h.lastRevision();
  }

  /** Tries {@link #tryResume} on the indexing thread in {@link #RESUME_RETRY_MS}. */
  private void resumeLater() {
    try {
      CompletableFuture.delayedExecutor(RESUME_RETRY_MS, TimeUnit.MILLISECONDS, indexer)
          .execute(this::tryResume);
    } catch (RejectedExecutionException closed) {
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

  private Object stripe(String stream) {
    return stripes[(stream.hashCode() & 0x7fffffff) % STRIPES];
  }

  /**
   * The head as appenders must see it: in-flight appends first, then the index. Reading pending
   * first matters: the indexer updates the index before it forgets an in-flight append.
   */
  private Head currentHead(String stream) {
    Pending p = pending.get(stream);
    Head indexed = heads.head(stream);
    if (p == null) {
      return indexed;
    }
    return new Head(
        indexed.id(),
        Math.max(indexed.lastRevision(), p.lastRevision()),
        p.tombstoned() || indexed.tombstoned());
  }
}
