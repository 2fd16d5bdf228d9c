package io.watershed.core.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.watershed.core.schedule.SerialScheduler;
import io.watershed.core.stream.PersistentSubscriptionException.Reason;
import io.watershed.core.subscription.ConsumerOptions;
import io.watershed.core.subscription.CursorCodec;
import io.watershed.core.subscription.CursorStore;
import io.watershed.core.subscription.Delivery;
import io.watershed.core.subscription.DeliveryTarget;
import io.watershed.core.subscription.StoredCursor;
import io.watershed.core.subscription.SubscriptionConsumer;
import io.watershed.core.subscription.SubscriptionException;
import io.watershed.core.subscription.ThreadSubscriptionScheduler;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventStoreDB's persistent subscriptions (competing consumers) over an {@link EventStore}, as an
 * adapter on the subscription engine ({@link io.watershed.core.subscription.Subscription}): groups
 * on a stream or on {@code $all} whose connections share the events, acknowledge them by event id,
 * and get them again when they time out or are nacked, until they are parked.
 *
 * <p>What is EventStoreDB's stays here: the settings and consumer strategies ({@link
 * PersistentSubscriptionsGroup}), event ids, links, and the streams it keeps its state in. Group
 * definitions and cursors go through a {@link CursorStore}: the server's is on the coordinator
 * runtime ({@link io.watershed.core.subscription.CoordinatorCursorStore}); {@link
 * #open(EventStore)} keeps them in streams as EventStoreDB does ({@link
 * PersistentSubscriptionsCursorStore}: {@value #CONFIG_STREAM} and {@code
 * $persistentsubscription-<source>::<group>-checkpoint}). Parked events are links in {@code
 * $persistentsubscription-<source>::<group>-parked} ({@link PersistentSubscriptionsParkedStream}).
 * Events done after the last checkpoint may be delivered again after a restart (at least once).
 *
 * <p>A change (create, update, delete) takes effect once its write is durable, and changes run one
 * after the other; nothing waits for a write on the scheduler's thread, so one group's slow write
 * holds up no other group.
 *
 * <p>Threading: all group state lives on one {@link SerialScheduler}; the public methods hand work
 * to it. {@link Consumer} callbacks run on it and must not block.
 */
public final class PersistentSubscriptions implements AutoCloseable {
  /** The stream holding every group definition (its last event). */
  public static final String CONFIG_STREAM = "$persistentSubscriptionConfig";

  /** The source name of groups on {@code $all}. */
  public static final String ALL = "$all";

  private static final Logger LOG = LoggerFactory.getLogger(PersistentSubscriptions.class);

  /** What a group delivers to; implemented by a front door. */
  public interface Consumer {
    /** Delivers one event; {@code retryCount} is 0 the first time. Must not block. */
    void deliver(ResolvedEvent event, int retryCount);

    /** The group dropped this connection (the group was deleted or updated, or it was stopped). */
    void dropped(String reason);
  }

  /** What a nack asks for. */
  public enum NackAction {
    /** Park the event now. */
    PARK,
    /** Deliver it again (parked once it has been retried too often). */
    RETRY,
    /** Treat it as done. */
    SKIP,
    /** Stop this connection; its events go to the others. */
    STOP
  }

  private final EventStore store;
  private final SerialScheduler scheduler;
  private final ThreadSubscriptionScheduler ownScheduler;
  private final CursorStore cursors;
  private final Map<String, PersistentSubscriptionsGroup> groups = new LinkedHashMap<>();
  private final ArrayDeque<Runnable> changes = new ArrayDeque<>();
  private boolean changing;
  private final java.util.function.Consumer<Set<String>> onAppended;
  private final AtomicLong connectionIds = new AtomicLong();
  private volatile boolean closed;

  private PersistentSubscriptions(
      EventStore store,
      SerialScheduler scheduler,
      ThreadSubscriptionScheduler ownScheduler,
      CursorStore cursors) {
    this.store = store;
    this.scheduler = scheduler;
    this.ownScheduler = ownScheduler;
    this.cursors = cursors;
    this.onAppended = streams -> later(() -> sourcesGrew(streams));
  }

  /**
   * Loads the groups defined in {@code store} and starts delivering, on a thread of its own,
   * keeping definitions and cursors in the store.
   */
  public static PersistentSubscriptions open(EventStore store) {
    ThreadSubscriptionScheduler own = new ThreadSubscriptionScheduler("persistent-subscriptions");
    return open(store, own, own, new PersistentSubscriptionsCursorStore(store));
  }

  /**
   * Loads the groups whose definitions {@code cursors} holds and starts delivering on a scheduler
   * of its own, closed with this.
   */
  public static PersistentSubscriptions open(EventStore store, CursorStore cursors) {
    ThreadSubscriptionScheduler own = new ThreadSubscriptionScheduler("persistent-subscriptions");
    return open(store, own, own, cursors);
  }

  /**
   * Where groups kept their definitions and checkpoints before the coordinator runtime: in the
   * event store's own streams. For moving them onto the runtime ({@link
   * io.watershed.core.subscription.CoordinatorCursorStore#moveFrom}).
   */
  public static CursorStore streamCursorStore(EventStore store) {
    return new PersistentSubscriptionsCursorStore(store);
  }

  /**
   * Loads the groups whose definitions {@code cursors} holds and starts delivering on {@code
   * scheduler} (not closed with this).
   */
  public static PersistentSubscriptions open(
      EventStore store, SerialScheduler scheduler, CursorStore cursors) {
    return open(store, scheduler, null, cursors);
  }

  private static PersistentSubscriptions open(
      EventStore store,
      SerialScheduler scheduler,
      ThreadSubscriptionScheduler own,
      CursorStore cursors) {
    PersistentSubscriptions s = new PersistentSubscriptions(store, scheduler, own, cursors);
    s.load();
    store.addListener(s.onAppended);
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Management

  /** Creates a group; fails with {@link PersistentSubscriptionException} when it exists. */
  public CompletableFuture<Void> create(
      String stream, String group, PersistentSubscriptionSettings settings) {
    return change(
        () -> {
          if (!stream.equals(ALL)) {
            // A group on a stream that cannot exist could never be loaded again.
            store.checkStreamName(stream);
          }
          if (group == null || group.isEmpty()) {
            throw new InvalidEventException("the group name is empty");
          }
          String id = PersistentSubscriptionsCursorStore.id(stream, group);
          // The group's name is part of the streams it keeps (its parked events, the longer of
          // the two): one that no stream can have (a NUL, too long) is refused here, not found
          // unreadable at the next start.
          store.checkStreamName(PersistentSubscriptionsCursorStore.checkpointStream(id));
          store.checkStreamName(PersistentSubscriptionsCursorStore.parkedStream(id));
          if (groups.containsKey(id)) {
            throw new PersistentSubscriptionException(
                Reason.ALREADY_EXISTS,
                "subscription group " + group + " on " + stream + " already exists");
          }
          StoredCursor start = StoredCursor.at(resolveStart(stream, settings.startFrom()));
          // The cursor first: a definition never exists without one.
          return cursors
              .saveCursor(id, CursorCodec.encode(start))
              .thenCompose(
                  x ->
                      cursors.saveDefinition(
                          id,
                          PersistentSubscriptionsJson.encode(
                              new PersistentSubscriptionsJson.Definition(stream, group, settings))))
              .thenApply(x -> () -> groups.put(id, newGroup(stream, group, settings, start)));
        });
  }

  /** Replaces a group's settings; its connections are dropped and may reconnect. */
  public CompletableFuture<Void> update(
      String stream, String group, PersistentSubscriptionSettings settings) {
    return change(
        () -> {
          PersistentSubscriptionsGroup g = existing(stream, group);
          return cursors
              .saveDefinition(
                  g.id,
                  PersistentSubscriptionsJson.encode(
                      new PersistentSubscriptionsJson.Definition(stream, group, settings)))
              .thenApply(x -> () -> g.update(settings));
        });
  }

  /** Deletes a group; its connections are dropped. */
  public CompletableFuture<Void> delete(String stream, String group) {
    return change(
        () -> {
          PersistentSubscriptionsGroup g = existing(stream, group);
          return cursors
              .delete(g.id)
              .thenApply(
                  x ->
                      () -> {
                        groups.remove(g.id);
                        g.subscription.discard("the subscription group was deleted");
                      });
        });
  }

  public CompletableFuture<PersistentSubscriptionInfo> info(String stream, String group) {
    return call(() -> existing(stream, group).info());
  }

  /** Every group, or those on {@code stream} when it is not null. */
  public CompletableFuture<List<PersistentSubscriptionInfo>> list(String stream) {
    return call(
        () ->
            groups.values().stream()
                .filter(g -> stream == null || g.stream.equals(stream))
                .map(PersistentSubscriptionsGroup::info)
                .toList());
  }

  /**
   * Delivers the group's parked events again (up to {@code stopAt} of them; negative = all parked
   * now); each leaves the parked stream once it is done.
   */
  public CompletableFuture<Void> replayParked(String stream, String group, long stopAt) {
    return call(
        () -> {
          existing(stream, group).subscription.replayParked(stopAt < 0 ? Long.MAX_VALUE : stopAt);
          return null;
        });
  }

  /**
   * Drops every connection of every group, as a restart of KurrentDB's subsystem does; clients
   * reconnect and get their unacknowledged events again.
   */
  public CompletableFuture<Void> restart() {
    return call(
        () -> {
          for (PersistentSubscriptionsGroup g : groups.values()) {
            g.subscription.dropConsumers("the persistent subscription subsystem was restarted");
          }
          return null;
        });
  }

  /**
   * Connects a consumer to a group.
   *
   * @param bufferSize how many unacknowledged events it may hold
   */
  public CompletableFuture<Connection> connect(
      String stream, String group, String name, String from, int bufferSize, Consumer consumer) {
    return call(
        () -> {
          PersistentSubscriptionsGroup g = existing(stream, group);
          Connection c =
              new Connection(
                  g,
                  connectionIds.incrementAndGet(),
                  name,
                  from,
                  Math.max(1, bufferSize),
                  consumer);
          try {
            c.handle = g.subscription.attach(ConsumerOptions.window(name, c.bufferSize), c.target);
          } catch (SubscriptionException e) {
            throw new PersistentSubscriptionException(
                Reason.MAXIMUM_SUBSCRIBERS_REACHED,
                "subscription group "
                    + group
                    + " on "
                    + stream
                    + " has "
                    + g.settings.maxSubscriberCount()
                    + " subscribers");
          }
          g.connections.put(c.handle, c);
          return c;
        });
  }

  /** One consumer's connection to a group. */
  public final class Connection {
    private final PersistentSubscriptionsGroup group;
    private final long id;
    private final String name;
    private final String from;
    private final int bufferSize;
    private final Consumer consumer;
    private SubscriptionConsumer<ResolvedEvent> handle;

    /** Events delivered and not answered: id → the engine's key, and back. */
    private final Map<UUID, Long> keys = new HashMap<>();

    private final Map<Long, UUID> ids = new HashMap<>();

    private final DeliveryTarget<ResolvedEvent> target =
        new DeliveryTarget<>() {
          @Override
          public void deliver(Delivery<ResolvedEvent> d) {
            ResolvedEvent e = d.entry().value();
            UUID eventId = e.original().id();
            keys.put(eventId, d.key());
            ids.put(d.key(), eventId);
            consumer.deliver(e, d.deliveryCount() - 1);
            store.delivered(1, e.size());
          }

          @Override
          public void released(long key) {
            UUID eventId = ids.remove(key);
            if (eventId != null) {
              keys.remove(eventId, key);
            }
          }

          @Override
          public void closed(String reason) {
            forget();
            consumer.dropped(reason);
          }
        };

    private Connection(
        PersistentSubscriptionsGroup group,
        long id,
        String name,
        String from,
        int bufferSize,
        Consumer consumer) {
      this.group = group;
      this.id = id;
      this.name = name;
      this.from = from;
      this.bufferSize = bufferSize;
      this.consumer = consumer;
    }

    /** Acknowledges events by id: they are done. */
    public void ack(List<UUID> ids) {
      later(() -> group.subscription.ack(handle, take(ids)));
    }

    /** Refuses events by id. */
    public void nack(List<UUID> ids, NackAction action, String reason) {
      later(
          () -> {
            switch (action) {
              case PARK -> group.subscription.park(handle, reason, take(ids));
              case RETRY -> group.subscription.nack(handle, 0, take(ids));
              case SKIP -> group.subscription.ack(handle, take(ids));
              case STOP -> {
                group.subscription.detach(handle);
                forget();
                consumer.dropped("stopped by the client: " + reason);
              }
            }
          });
    }

    /** Disconnects; the events it held go to the group's other connections. */
    public void close() {
      later(
          () -> {
            group.subscription.detach(handle);
            forget();
          });
    }

    public long id() {
      return id;
    }

    private long[] take(List<UUID> answered) {
      long[] out = new long[answered.size()];
      int n = 0;
      for (UUID eventId : answered) {
        Long key = keys.remove(eventId);
        if (key != null) {
          ids.remove(key);
          out[n++] = key;
        }
      }
      return java.util.Arrays.copyOf(out, n);
    }

    private void forget() {
      group.connections.remove(handle);
      keys.clear();
      ids.clear();
    }

    PersistentSubscriptionInfo.ConnectionInfo info(SubscriptionConsumer<ResolvedEvent> c) {
      return new PersistentSubscriptionInfo.ConnectionInfo(
          name, from, c.held(), Math.max(0, bufferSize - c.held()), c.delivered());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Running

  private PersistentSubscriptionsGroup newGroup(
      String stream, String name, PersistentSubscriptionSettings settings, StoredCursor cursor) {
    return new PersistentSubscriptionsGroup(
        store, stream, name, settings, cursor, cursors, scheduler);
  }

  private void sourcesGrew(Set<String> streams) {
    if (closed) {
      return;
    }
    for (PersistentSubscriptionsGroup g : groups.values()) {
      if (streams.isEmpty() || g.stream.equals(ALL) || streams.contains(g.stream)) {
        g.subscription.sourceGrew();
      }
    }
  }

  private PersistentSubscriptionsGroup existing(String stream, String group) {
    PersistentSubscriptionsGroup g =
        groups.get(PersistentSubscriptionsCursorStore.id(stream, group));
    if (g == null) {
      throw new PersistentSubscriptionException(
          Reason.NOT_FOUND, "subscription group " + group + " on " + stream + " does not exist");
    }
    return g;
  }

  private long resolveStart(String stream, long startFrom) {
    if (startFrom != EventStore.END) {
      return startFrom;
    }
    return stream.equals(ALL) ? store.endPosition() : store.lastRevision(stream) + 1;
  }

  /** Runs {@code work} on the scheduler; completes with what it returns or throws. */
  private <T> CompletableFuture<T> call(Supplier<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    boolean queued =
        later(
            () -> {
              try {
                if (closed) {
                  throw new EventStoreException("persistent subscriptions are closed");
                }
                f.complete(work.get());
              } catch (RuntimeException e) {
                f.completeExceptionally(e);
              }
            });
    if (!queued) {
      f.completeExceptionally(new EventStoreException("persistent subscriptions are closed"));
    }
    return f;
  }

  /**
   * A change to the groups, in its turn after the changes before it: {@code write} (on the
   * scheduler) checks, starts the durable write and gives what to apply once it is written; the
   * apply step runs on the scheduler, and only if the write succeeded. Nothing blocks meanwhile.
   */
  private CompletableFuture<Void> change(Supplier<CompletableFuture<Runnable>> write) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable start =
        () -> {
          CompletableFuture<Runnable> written;
          try {
            if (closed) {
              throw new EventStoreException("persistent subscriptions are closed");
            }
            written = write.get();
          } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
          }
          written.whenComplete(
              (apply, error) ->
                  later(
                      () -> {
                        try {
                          if (error != null) {
                            done.completeExceptionally(unwrap(error));
                          } else {
                            apply.run();
                            done.complete(null);
                          }
                        } catch (RuntimeException e) {
                          done.completeExceptionally(e);
                        } finally {
                          changing = false;
                          nextChange();
                        }
                      }));
        };
    if (!later(
        () -> {
          changes.add(start);
          nextChange();
        })) {
      done.completeExceptionally(new EventStoreException("persistent subscriptions are closed"));
    }
    return done;
  }

  private void nextChange() {
    if (!changing && !changes.isEmpty()) {
      changing = true;
      changes.poll().run();
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof java.util.concurrent.CompletionException && t.getCause() != null
        ? t.getCause()
        : t;
  }

  /** Hands {@code task} to the scheduler; false when it is closed. */
  private boolean later(Runnable task) {
    try {
      scheduler.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Loading

  private void load() {
    Map<String, byte[]> definitions;
    try {
      definitions = cursors.loadDefinitions().join();
    } catch (RuntimeException e) {
      LOG.error("The persistent subscription definitions cannot be read: {}", e.toString());
      return;
    }
    List<Runnable> make = new ArrayList<>();
    int[] loaded = {0};
    for (Map.Entry<String, byte[]> d : definitions.entrySet()) {
      try {
        PersistentSubscriptionsJson.Definition def =
            PersistentSubscriptionsJson.decode(d.getValue());
        StoredCursor cursor = loadCursor(d.getKey(), def.settings());
        make.add(
            () -> {
              // One group that cannot start (a definition stored by an older version that no
              // longer validates) must not keep the others, or the server, from starting.
              try {
                groups.put(d.getKey(), newGroup(def.stream(), def.group(), def.settings(), cursor));
                loaded[0]++;
              } catch (RuntimeException e) {
                LOG.error(
                    "Persistent subscription {} cannot be started: {}", d.getKey(), e.toString());
              }
            });
      } catch (RuntimeException e) {
        LOG.error("Persistent subscription {} cannot be loaded: {}", d.getKey(), e.toString());
      }
    }
    call(() -> {
          make.forEach(Runnable::run);
          return null;
        })
        .join();
    LOG.info("Loaded {} persistent subscription group(s).", loaded[0]);
  }

  private StoredCursor loadCursor(String id, PersistentSubscriptionSettings settings) {
    Optional<byte[]> stored = cursors.loadCursor(id).join();
    if (stored.isPresent()) {
      try {
        return CursorCodec.decode(stored.get());
      } catch (IllegalArgumentException e) {
        LOG.warn("Checkpoint of {} is unreadable; starting over: {}", id, e.toString());
      }
    }
    return StoredCursor.at(settings.startFrom() == EventStore.END ? 0 : settings.startFrom());
  }

  /** Writes every group's cursor and stops; connections are dropped. */
  @Override
  public void close() {
    store.removeListener(onAppended);
    CompletableFuture<List<CompletableFuture<Void>>> closing =
        call(
            () -> {
              List<CompletableFuture<Void>> written = new ArrayList<>();
              for (PersistentSubscriptionsGroup g : groups.values()) {
                written.add(g.subscription.close("the server is shutting down"));
              }
              closed = true;
              return written;
            });
    try {
      List<CompletableFuture<Void>> written = closing.get(5, TimeUnit.SECONDS);
      CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("Not every persistent subscription checkpoint was written: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed = true;
    if (ownScheduler != null) {
      ownScheduler.close();
    }
  }

  /**
   * The {@code $correlationId} of JSON metadata when it is a top-level string, else null (no
   * metadata, not JSON, not an object, no such field). Reads only as far as the field.
   */
  static String correlationId(byte[] metadata) {
    if (metadata.length == 0) {
      return null;
    }
    try (JsonParser p = CORRELATION_JSON.createParser(metadata)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (CORRELATION_ID.equals(field)) {
          return value == JsonToken.VALUE_STRING ? p.getText() : null;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException notJson) {
      return null;
    }
  }

  private static final String CORRELATION_ID = "$correlationId";
  private static final JsonFactory CORRELATION_JSON = new JsonFactory();
}
