package io.watershed.core.subscription;

import io.watershed.core.schedule.SerialScheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription over one ordered source: the engine under EventStoreDB persistent subscriptions,
 * Pulsar subscriptions and Kafka share groups, knowing none of them. It reads work from its {@link
 * SubscriptionSource} into a bounded window, hands it to consumers as its {@link DispatchPolicy}
 * says and as their permits and windows allow, and takes their answers by key: acknowledgements
 * (one by one, or cumulative up to a position), negative acknowledgements (redelivered, after a
 * delay if asked), parking. Work not answered within the ack timeout is released; work handed out
 * {@code maxDeliveries} times and released again goes to the {@link ParkSink}, and is done only
 * once the sink has it. Parked entries can be replayed. The cursor ({@link CursorWindow}) is
 * written through the {@link CursorStore} as the {@link CheckpointPolicy} says, and reported
 * written only once it is.
 *
 * <p>Memory is bounded whatever the consumers and the filter do: at most {@link
 * SubscriptionConfig#maxUnacked()} work (and {@code maxWindowBytes}) is held, and positions the
 * source passes over are never work. At the cap nothing more is read until the oldest work is done
 * (acknowledged, or parked after its deliveries run out), as Pulsar blocks a subscription at its
 * unacknowledged limit; so the stored cursor is always complete, never truncated.
 *
 * <p>Threading: every method must be called on the scheduler's thread (in a task given to {@link
 * SerialScheduler#execute}); consumers' {@link DeliveryTarget}s are called there too. Time is the
 * scheduler's clock; every wait is a scheduler timer.
 */
public final class Subscription<E> {
  private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);

  private final String id;
  private final SerialScheduler scheduler;
  private final SubscriptionSource<E> source;
  private final ToIntFunction<E> keyHash;
  private final ParkSink<E> parkSink;
  private SubscriptionConfig config;
  private DispatchPolicy policy;

  private final CursorWindow<E> cursor;
  private final CursorWriter writer;
  private final ParkedReplay<E> replay = new ParkedReplay<>();

  /** Work waiting for a consumer, by key: replayed parked entries first, then by position. */
  private final TreeMap<Long, Work<E>> available = new TreeMap<>();

  private final Deadlines<E> deadlines = new Deadlines<>();
  private final KeyHolds keyHolds = new KeyHolds();
  private final List<SubscriptionConsumer<E>> consumers = new ArrayList<>();
  private final List<SubscriptionConsumer<E>> consumersView =
      Collections.unmodifiableList(consumers);

  private SerialScheduler.Timer deadlineTimer;
  private long deadlineTimerAt = Long.MAX_VALUE;
  private SerialScheduler.Timer readRetry;
  private SerialScheduler.Timer parkedReadRetry;
  private long nextConsumerId;
  private int fresh;
  private boolean caughtUp;
  private boolean closed;

  /** Closing: consumers are being dropped, which never parks their work. */
  private boolean closing;

  private boolean pumping;
  private boolean pumpAgain;
  private boolean passScheduled;
  private long delivered;
  private long parked;
  private long parkFailures;
  private long readFailures;

  private Subscription(Builder<E> b) {
    this.id = b.id;
    this.scheduler = b.scheduler;
    this.source = b.source;
    this.keyHash = b.keyHash;
    this.parkSink = b.parkSink;
    this.config = b.config;
    this.policy = b.policy;
    this.cursor = new CursorWindow<>(b.cursor);
    this.writer =
        new CursorWriter(
            id,
            b.store,
            scheduler,
            config.checkpoint(),
            cursor::snapshot,
            b.durable ? b.cursor : null);
  }

  /**
   * A subscription {@code id} over {@code source}, run by {@code scheduler}, keeping its cursor in
   * {@code store}.
   */
  public static <E> Builder<E> builder(
      String id, SubscriptionSource<E> source, SerialScheduler scheduler, CursorStore store) {
    return new Builder<>(id, source, scheduler, store);
  }

  /** How a subscription is made; every part but the four given has a default. */
  public static final class Builder<E> {
    private final String id;
    private final SubscriptionSource<E> source;
    private final SerialScheduler scheduler;
    private final CursorStore store;
    private StoredCursor cursor = StoredCursor.at(0);
    private boolean durable;
    private ToIntFunction<E> keyHash = e -> 0;
    private DispatchPolicy policy = new RoundRobinDispatch();
    private SubscriptionConfig config = SubscriptionConfig.DEFAULT;
    private ParkSink<E> parkSink = ParkSink.discarding();

    private Builder(
        String id, SubscriptionSource<E> source, SerialScheduler scheduler, CursorStore store) {
      this.id = id;
      this.source = source;
      this.scheduler = scheduler;
      this.store = store;
    }

    /**
     * Where it starts (default: everything below 0 done).
     *
     * @param durable whether {@code cursor} is already in the store (loaded, or written at
     *     creation), so it is not written again until it changes
     */
    public Builder<E> cursor(StoredCursor cursor, boolean durable) {
      this.cursor = cursor;
      this.durable = durable;
      return this;
    }

    /** The key hash of work for keyed dispatch policies (default: 0 for all). */
    public Builder<E> keyHash(ToIntFunction<E> keyHash) {
      this.keyHash = keyHash;
      return this;
    }

    /** Default: round robin. */
    public Builder<E> policy(DispatchPolicy policy) {
      this.policy = policy;
      return this;
    }

    /** Default: {@link SubscriptionConfig#DEFAULT}. */
    public Builder<E> config(SubscriptionConfig config) {
      this.config = config;
      return this;
    }

    /** Default: {@link ParkSink#discarding()}. */
    public Builder<E> parkSink(ParkSink<E> parkSink) {
      this.parkSink = parkSink;
      return this;
    }

    /** Makes the subscription; call on the scheduler's thread. It reads once consumers attach. */
    public Subscription<E> open() {
      return new Subscription<>(this);
    }
  }

  public String id() {
    return id;
  }

  public SubscriptionConfig config() {
    return config;
  }

  // ---------------------------------------------------------------------------------------------
  // Consumers

  /**
   * Attaches a consumer; it is given work at once if there is some.
   *
   * @throws SubscriptionException when the subscription has {@code maxConsumers}, the policy
   *     refuses it, or the subscription is closed
   */
  public SubscriptionConsumer<E> attach(ConsumerOptions options, DeliveryTarget<E> target) {
    if (closed) {
      throw new SubscriptionException(SubscriptionException.Reason.CLOSED, id + " is closed");
    }
    if (config.maxConsumers() > 0 && consumers.size() >= config.maxConsumers()) {
      throw new SubscriptionException(
          SubscriptionException.Reason.TOO_MANY_CONSUMERS,
          id + " has " + config.maxConsumers() + " consumers");
    }
    SubscriptionConsumer<E> c = new SubscriptionConsumer<>(++nextConsumerId, options, target);
    policy.admit(consumersView, c);
    consumers.add(c);
    policy.consumersChanged(consumersView);
    pump();
    return c;
  }

  /** Detaches a consumer; the work it held is released to the others. Harmless when detached. */
  public void detach(SubscriptionConsumer<E> c) {
    if (!consumers.remove(c)) {
      return;
    }
    c.attached = false;
    boolean mayPark = config.parkOnConsumerLoss() && !closing;
    for (Work<E> w : heldBy(c)) {
      unlease(w);
      if (mayPark) {
        release(w, "its consumer left", 0);
      } else {
        makeAvailable(w);
      }
    }
    policy.consumersChanged(consumersView);
    pump();
  }

  /** Detaches every consumer, telling each why (the subscription was reset, updated, deleted). */
  public void dropConsumers(String reason) {
    for (SubscriptionConsumer<E> c : List.copyOf(consumers)) {
      detach(c);
      try {
        c.target.closed(reason);
      } catch (RuntimeException e) {
        LOG.warn("Consumer {} of {} failed to close: {}", c.name(), id, e.toString());
      }
    }
  }

  /** The consumers, in attach order (a live, read-only view). */
  public List<SubscriptionConsumer<E>> consumers() {
    return consumersView;
  }

  /** Grants {@code c} {@code n} more deliveries (Pulsar's flow permits). */
  public void addPermits(SubscriptionConsumer<E> c, long n) {
    if (n > 0) {
      c.grant(n);
      pump();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Answers

  /**
   * Acknowledges work by key: it is done. Keys of work that is done already or unknown are ignored,
   * as are, with {@code acksFromHolderOnly}, keys of work {@code c} does not hold.
   *
   * @return how many were acknowledged
   */
  public int ack(SubscriptionConsumer<E> c, long... keys) {
    int n = 0;
    for (long key : keys) {
      Work<E> w = find(key);
      if (w != null && w.state != Work.State.PARKING && mayAnswer(c, w)) {
        finish(w);
        n++;
      }
    }
    if (n > 0) {
      pump();
    }
    return n;
  }

  /**
   * Acknowledges every position up to {@code position} (inclusive), handed out or not: Pulsar's
   * cumulative acknowledgement, for exclusive and failover subscriptions.
   */
  public void ackCumulative(SubscriptionConsumer<E> c, long position) {
    if (position < 0) {
      return;
    }
    for (Work<E> w : cursor.through(position)) {
      finish(w);
    }
    if (position >= cursor.readFrontier()) {
      cursor.readTo(position + 1);
      caughtUp = false;
      writer.done(1);
    }
    pump();
  }

  /**
   * Negatively acknowledges work {@code c} was handed: it is delivered again after {@code delayMs}
   * (0: at once), or parked when it has been handed out {@code maxDeliveries} times.
   *
   * @return how many were released
   */
  public int nack(SubscriptionConsumer<E> c, long delayMs, long... keys) {
    int n = 0;
    for (long key : keys) {
      Work<E> w = find(key);
      if (w != null && w.state == Work.State.LEASED && mayAnswer(c, w)) {
        unlease(w);
        release(w, "negatively acknowledged", delayMs);
        n++;
      }
    }
    if (n > 0) {
      pump();
    }
    return n;
  }

  /**
   * Parks work now (EventStoreDB's nack with park, Kafka's reject): it is done once the park sink
   * has it.
   *
   * @return how many are being parked
   */
  public int park(SubscriptionConsumer<E> c, String reason, long... keys) {
    int n = 0;
    for (long key : keys) {
      Work<E> w = find(key);
      if (w != null && w.state != Work.State.PARKING && mayAnswer(c, w)) {
        leaveState(w);
        startParking(w, reason);
        n++;
      }
    }
    if (n > 0) {
      pump();
    }
    return n;
  }

  private boolean mayAnswer(SubscriptionConsumer<E> c, Work<E> w) {
    return !config.acksFromHolderOnly() || (w.state == Work.State.LEASED && w.holder == c);
  }

  // ---------------------------------------------------------------------------------------------
  // The source, the cursor, the park sink

  /** The source has more: read on (call when it grows). */
  public void sourceGrew() {
    caughtUp = false;
    pump();
  }

  /**
   * Replays up to {@code max} parked entries ({@link Long#MAX_VALUE}: all parked now), oldest
   * first, at most {@code maxReplayInFlight} at a time. Each is removed from the sink once its
   * replay is done; until then it stays parked, so a restart loses none.
   */
  public void replayParked(long max) {
    long first = parkSink.firstTicket();
    replay.request(max, first, first + parkSink.parkedCount());
    pump();
  }

  /**
   * Moves the cursor to {@code position}: everything below it is done, everything from it is to be
   * delivered; work held by consumers is forgotten, and consumers are dropped (they reconnect), as
   * Pulsar does on a seek. The new cursor is written at once.
   */
  public void seek(long position) {
    for (Work<E> w : List.copyOf(cursor.all())) {
      leaveState(w);
    }
    cursor.reset(StoredCursor.at(position));
    caughtUp = false;
    dropConsumers("the subscription was reset to position " + position);
    writer.moved();
    pump();
  }

  /**
   * Moves the cursor to the first position written at or after {@code timestampMs}, as {@link
   * #seek}.
   *
   * @throws SubscriptionException when the source keeps no time
   */
  public void seekToTime(long timestampMs) {
    long position;
    try {
      position = source.positionAt(timestampMs);
    } catch (UnsupportedOperationException e) {
      throw new SubscriptionException(SubscriptionException.Reason.UNSUPPORTED, e.getMessage());
    }
    seek(position);
  }

  /**
   * Changes the limits and the policy from now on; leases already given keep their deadlines.
   * Consumers stay attached (an adapter that wants them to reconnect drops them first).
   */
  public void reconfigure(SubscriptionConfig config, DispatchPolicy policy) {
    this.config = config;
    writer.policy(config.checkpoint());
    if (policy != this.policy) {
      this.policy = policy;
      policy.consumersChanged(consumersView);
    }
    pump();
  }

  /** Writes the cursor now unless it is written already; completes once it is durable. */
  public CompletableFuture<Void> checkpoint() {
    return writer.flush();
  }

  /** The cursor as it stands now. */
  public StoredCursor cursor() {
    return cursor.snapshot();
  }

  /**
   * Drops the consumers, stops, and writes the cursor; completes once it is durable (or
   * exceptionally when that write fails).
   */
  public CompletableFuture<Void> close(String reason) {
    if (closed) {
      return CompletableFuture.completedFuture(null);
    }
    closing = true;
    dropConsumers(reason);
    CompletableFuture<Void> written = writer.flush();
    stop();
    return written;
  }

  /** Drops the consumers and stops without writing the cursor (the subscription is deleted). */
  public void discard(String reason) {
    if (!closed) {
      closing = true;
      dropConsumers(reason);
      stop();
    }
  }

  private void stop() {
    closed = true;
    writer.close();
    for (SerialScheduler.Timer t :
        new SerialScheduler.Timer[] {deadlineTimer, readRetry, parkedReadRetry}) {
      if (t != null) {
        t.cancel();
      }
    }
  }

  public SubscriptionStats stats() {
    int leased = 0;
    int delayed = 0;
    int parking = 0;
    List<Work<E>> all = new ArrayList<>(cursor.all());
    all.addAll(replay.all());
    for (Work<E> w : all) {
      switch (w.state) {
        case LEASED -> leased++;
        case DELAYED -> delayed++;
        case PARKING -> parking++;
        case AVAILABLE -> {}
      }
    }
    return new SubscriptionStats(
        cursor.markDelete(),
        writer.lastWrittenMarkDelete(),
        cursor.readFrontier(),
        caughtUp,
        windowFull(),
        cursor.size(),
        cursor.bytes(),
        fresh,
        available.size() - fresh,
        leased,
        delayed,
        parking,
        replay.inFlight(),
        delivered,
        parked,
        parkSink.parkedCount(),
        parkFailures,
        writer.failedWrites(),
        writer.lastError(),
        readFailures);
  }

  // ---------------------------------------------------------------------------------------------
  // Work's states

  private Work<E> find(long key) {
    return ReplayKeys.isReplay(key) ? replay.get(key) : cursor.get(key);
  }

  /** Whether {@code w} is still the subscription's work (not done, not forgotten by a seek). */
  private boolean current(Work<E> w) {
    return !closed && find(w.key) == w;
  }

  private List<Work<E>> heldBy(SubscriptionConsumer<E> c) {
    List<Work<E>> held = new ArrayList<>();
    for (Work<E> w : replay.all()) {
      if (w.holder == c) {
        held.add(w);
      }
    }
    for (Work<E> w : cursor.all()) {
      if (w.holder == c) {
        held.add(w);
      }
    }
    return held;
  }

  private void makeAvailable(Work<E> w) {
    w.state = Work.State.AVAILABLE;
    if (available.put(w.key, w) == null && w.fresh()) {
      fresh++;
    }
  }

  /** Takes {@code w} out of its state's structure (it is then in none). */
  private void leaveState(Work<E> w) {
    switch (w.state) {
      case AVAILABLE -> {
        if (available.remove(w.key, w) && w.fresh()) {
          fresh--;
        }
      }
      case LEASED -> unlease(w);
      case DELAYED -> deadlines.remove(w);
      case PARKING -> {}
    }
  }

  private void lease(Work<E> w, SubscriptionConsumer<E> c) {
    leaveState(w);
    w.state = Work.State.LEASED;
    w.holder = c;
    w.deliveries++;
    c.handedOne();
    delivered++;
    keyHolds.leased(w.keyHash, c);
    if (config.ackTimeoutMs() > 0) {
      deadlines.add(w, scheduler.nowMs() + config.ackTimeoutMs());
      armDeadlines();
    }
    try {
      c.target.deliver(new Delivery<>(w.key, w.entry, w.deliveries));
    } catch (RuntimeException e) {
      LOG.warn("Delivery to {} of {} failed: {}", c.name(), id, e.toString());
    }
  }

  private void unlease(Work<E> w) {
    deadlines.remove(w);
    keyHolds.ended(w.keyHash);
    w.holder.held--;
    w.holder = null;
  }

  /** {@code w}, in no state, goes back to the consumers (after {@code delayMs}), or is parked. */
  private void release(Work<E> w, String reason, long delayMs) {
    if (config.maxDeliveries() > 0 && w.deliveries >= config.maxDeliveries()) {
      startParking(w, "handed out " + w.deliveries + " times; the last " + reason);
    } else if (delayMs > 0) {
      w.state = Work.State.DELAYED;
      deadlines.add(w, scheduler.nowMs() + delayMs);
      armDeadlines();
    } else {
      makeAvailable(w);
    }
  }

  /** {@code w} is done: out of the window (or the replay), and counted for the checkpoint. */
  private void finish(Work<E> w) {
    leaveState(w);
    if (ReplayKeys.isReplay(w.key)) {
      replay.done(w);
      removeReplayedParked();
    } else {
      cursor.remove(w);
      writer.done(1);
    }
  }

  /** {@code w}, in no state, is written to the park sink; it is done once that succeeds. */
  private void startParking(Work<E> w, String reason) {
    w.state = Work.State.PARKING;
    CompletableFuture<Void> f;
    try {
      f = parkSink.park(w.entry, w.deliveries, reason);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete((ok, error) -> later(() -> parkWritten(w, reason, error)));
  }

  private void parkWritten(Work<E> w, String reason, Throwable error) {
    if (!current(w) || w.state != Work.State.PARKING) {
      return; // acknowledged meanwhile, or forgotten by a seek
    }
    if (error == null) {
      parked++;
      finish(w);
      pump();
      return;
    }
    parkFailures++;
    if (parkFailures == 1 || parkFailures % 100 == 0) {
      LOG.warn(
          "Parking work of {} failed ({} failures so far); it stays undone and is tried again: {}",
          id,
          parkFailures,
          error.toString());
    }
    scheduler.schedule(
        config.parkRetryDelayMs(),
        () -> {
          if (current(w) && w.state == Work.State.PARKING) {
            startParking(w, reason);
          }
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Time

  private void armDeadlines() {
    long next = deadlines.next();
    if (next == Long.MAX_VALUE || (deadlineTimer != null && deadlineTimerAt <= next)) {
      return;
    }
    if (deadlineTimer != null) {
      deadlineTimer.cancel();
    }
    deadlineTimerAt = next;
    deadlineTimer = scheduler.schedule(next - scheduler.nowMs(), this::onDeadlines);
  }

  private void onDeadlines() {
    deadlineTimer = null;
    deadlineTimerAt = Long.MAX_VALUE;
    if (closed) {
      return;
    }
    for (Work<E> w : deadlines.takeDue(scheduler.nowMs())) {
      if (w.state == Work.State.LEASED) {
        SubscriptionConsumer<E> c = w.holder;
        unlease(w);
        try {
          c.target.released(w.key);
        } catch (RuntimeException e) {
          LOG.warn("Consumer {} of {} failed: {}", c.name(), id, e.toString());
        }
        release(w, "timed out", 0);
      } else if (w.state == Work.State.DELAYED) {
        makeAvailable(w);
      }
    }
    armDeadlines();
    pump();
  }

  /** Runs {@code task} on the scheduler (from a completion on another thread). */
  private void later(Runnable task) {
    try {
      scheduler.execute(task);
    } catch (RejectedExecutionException schedulerClosed) {
      LOG.debug("{}: a completion after the scheduler closed", id);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading and dispatching

  /** Reads, replays and dispatches until nothing more can move; safe to call from callbacks. */
  private void pump() {
    if (closed) {
      return;
    }
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        readParked();
        dispatch();
        fill();
        dispatch();
      } while (pumpAgain && !closed);
    } finally {
      pumping = false;
    }
  }

  private boolean windowFull() {
    return cursor.size() >= config.maxUnacked()
        || (cursor.size() > 0 && cursor.bytes() >= config.maxWindowBytes());
  }

  private void fill() {
    if (consumers.isEmpty()) {
      return; // nobody to read for: the window stays empty and the cursor where it is
    }
    int reads = 0;
    while (!caughtUp && readRetry == null && !windowFull() && fresh < config.readAhead()) {
      if (reads++ == config.maxReadsPerPass()) {
        schedulePass();
        return;
      }
      int max =
          Math.min(
              config.readBatch(),
              Math.min(config.maxUnacked() - cursor.size(), config.readAhead() - fresh));
      long from = cursor.readFrontier();
      SourcePage<E> page;
      try {
        page = source.read(from, max);
      } catch (RuntimeException e) {
        readFailures++;
        LOG.warn("{} cannot read its source at {}: {}", id, from, e.toString());
        readRetry =
            scheduler.schedule(
                config.readRetryDelayMs(),
                () -> {
                  readRetry = null;
                  pump();
                });
        return;
      }
      long next = Math.max(page.next(), from);
      boolean atEnd = page.atEnd();
      for (Entry<E> e : page.entries()) {
        long p = e.position();
        if (p < from || cursor.get(p) != null || cursor.restoredDone(p)) {
          continue;
        }
        if (windowFull()) {
          next = p; // the byte limit came mid-page: read from here once there is room
          atEnd = false;
          break;
        }
        Work<E> w = new Work<>(p, e, hashOf(e.value()), cursor.restoredDeliveries(p));
        cursor.add(w);
        makeAvailable(w);
        next = Math.max(next, p + 1);
      }
      cursor.readTo(next);
      if (atEnd) {
        caughtUp = true;
      }
    }
  }

  private void schedulePass() {
    if (!passScheduled) {
      passScheduled = true;
      later(
          () -> {
            passScheduled = false;
            pump();
          });
    }
  }

  private int hashOf(E value) {
    return keyHash.applyAsInt(value);
  }

  private void dispatch() {
    if (consumers.isEmpty()) {
      return;
    }
    long from = Long.MIN_VALUE;
    while (true) {
      Map.Entry<Long, Work<E>> e = available.ceilingEntry(from);
      if (e == null) {
        return;
      }
      Work<E> w = e.getValue();
      SubscriptionConsumer<E> c = policy.choose(w.keyHash, consumersView);
      if (c != null && policy.keyed() && !keyHolds.mayTake(w.keyHash, c)) {
        c = null; // an earlier one of its key is still with another consumer
      }
      if (c != null) {
        lease(w, c);
      } else if (!policy.keyed() || !anyCanTake()) {
        return;
      }
      if (w.key == Long.MAX_VALUE) {
        return;
      }
      from = w.key + 1;
    }
  }

  private boolean anyCanTake() {
    for (SubscriptionConsumer<E> c : consumers) {
      if (c.canTake()) {
        return true;
      }
    }
    return false;
  }

  private void readParked() {
    int n =
        parkedReadRetry == null
            ? replay.readSize(config.maxReplayInFlight(), config.replayBatch())
            : 0;
    if (n > 0) {
      replay.reading();
      CompletableFuture<ParkSink.Page<E>> f;
      try {
        f = parkSink.read(replay.nextTicket(), n);
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((page, error) -> later(() -> parkedRead(page, error)));
    }
    removeReplayedParked();
  }

  private void parkedRead(ParkSink.Page<E> page, Throwable error) {
    if (closed) {
      return;
    }
    for (Work<E> w : replay.read(error == null ? page : null, this::hashOf)) {
      makeAvailable(w);
    }
    if (error != null) {
      LOG.warn("{} cannot read its parked entries: {}", id, error.toString());
      parkedReadRetry =
          scheduler.schedule(
              config.parkRetryDelayMs(),
              () -> {
                parkedReadRetry = null;
                pump();
              });
    }
    pump();
  }

  private void removeReplayedParked() {
    long before = replay.removableBefore();
    if (before < 0) {
      return;
    }
    replay.removing();
    CompletableFuture<Void> f;
    try {
      f = parkSink.removeBefore(before);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete(
        (ok, error) ->
            later(
                () -> {
                  replay.removed(before, error == null);
                  if (error != null) {
                    LOG.warn("{} cannot remove replayed parked entries: {}", id, error.toString());
                  } else if (!closed) {
                    removeReplayedParked();
                  }
                }));
  }
}
