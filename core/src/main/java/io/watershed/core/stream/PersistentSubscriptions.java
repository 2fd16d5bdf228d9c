package io.watershed.core.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.core.stream.PersistentSubscriptionException.Reason;
import io.watershed.core.stream.PersistentSubscriptionSettings.ConsumerStrategy;
import io.watershed.core.subscription.CursorState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventStoreDB's persistent subscriptions (competing consumers) over an {@link EventStore}: groups
 * on a stream or on {@code $all} whose connections share the events, acknowledge them one by one,
 * and get them again when they time out or are nacked, until they are parked.
 *
 * <p>Everything is kept in the store itself, as EventStoreDB does: the group definitions in {@value
 * #CONFIG_STREAM} (the last event holds them all), each group's cursor ({@link CursorState}) in
 * {@code $persistentsubscription-<source>::<group>-checkpoint}, and parked events as links in
 * {@code $persistentsubscription-<source>::<group>-parked}. A checkpoint is written after {@code
 * minCheckpointCount} done events and {@code checkpointAfterMs}, or at once after {@code
 * maxCheckpointCount}; events done after the last checkpoint may be delivered again after a restart
 * (at least once).
 *
 * <p>Threading: all group state lives on one scheduler thread; the public methods hand work to it.
 * {@link Consumer} callbacks run on that thread and must not block.
 */
public final class PersistentSubscriptions implements AutoCloseable {
  /** The stream holding every group definition (its last event). */
  public static final String CONFIG_STREAM = "$persistentSubscriptionConfig";

  /** The source name of groups on {@code $all}. */
  public static final String ALL = "$all";

  private static final Logger LOG = LoggerFactory.getLogger(PersistentSubscriptions.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TICK_MS = 100;

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
  private final ScheduledExecutorService executor;
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private final java.util.function.Consumer<Set<String>> onAppended;
  private final AtomicLong connectionIds = new AtomicLong();
  private boolean closed;

  private PersistentSubscriptions(EventStore store) {
    this.store = store;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "persistent-subscriptions");
              t.setDaemon(true);
              return t;
            });
    this.onAppended = streams -> executor.execute(this::pumpAll);
  }

  /** Loads the groups defined in {@code store} and starts delivering. */
  public static PersistentSubscriptions open(EventStore store) {
    PersistentSubscriptions s = new PersistentSubscriptions(store);
    s.call(
            () -> {
              s.load();
              return null;
            })
        .join();
    store.addListener(s.onAppended);
    s.executor.scheduleWithFixedDelay(s::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // Management

  /** Creates a group; fails with {@link PersistentSubscriptionException} when it exists. */
  public CompletableFuture<Void> create(
      String stream, String group, PersistentSubscriptionSettings settings) {
    return call(() -> {
          String key = key(stream, group);
          if (groups.containsKey(key)) {
            throw new PersistentSubscriptionException(
                Reason.ALREADY_EXISTS,
                "subscription group " + group + " on " + stream + " already exists");
          }
          long start = resolveStart(stream, settings.startFrom());
          Group g = new Group(stream, group, settings, new CursorState(start));
          groups.put(key, g);
          saveDefinitions();
          g.checkpoint(true);
          g.setCheckpointStreamLimit();
          pump(g);
          return null;
        })
        .thenApply(x -> null);
  }

  /** Replaces a group's settings; its connections are dropped and may reconnect. */
  public CompletableFuture<Void> update(
      String stream, String group, PersistentSubscriptionSettings settings) {
    return call(() -> {
          Group g = existing(stream, group);
          g.dropAll("the subscription group was updated");
          g.settings = settings;
          saveDefinitions();
          return null;
        })
        .thenApply(x -> null);
  }

  /** Deletes a group; its connections are dropped. */
  public CompletableFuture<Void> delete(String stream, String group) {
    return call(() -> {
          Group g = existing(stream, group);
          g.dropAll("the subscription group was deleted");
          groups.remove(key(stream, group));
          saveDefinitions();
          return null;
        })
        .thenApply(x -> null);
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
                .map(Group::info)
                .toList());
  }

  /**
   * Delivers the group's parked events again (up to {@code stopAt} of them; negative = all) and
   * removes them from the parked stream.
   */
  public CompletableFuture<Void> replayParked(String stream, String group, long stopAt) {
    return call(() -> {
          existing(stream, group).replayParked(stopAt < 0 ? Long.MAX_VALUE : stopAt);
          return null;
        })
        .thenApply(x -> null);
  }

  /**
   * Drops every connection of every group, as a restart of KurrentDB's subsystem does; clients
   * reconnect and get their unacknowledged events again.
   */
  public CompletableFuture<Void> restart() {
    return call(() -> {
          for (Group g : groups.values()) {
            g.dropAll("the persistent subscription subsystem was restarted");
          }
          return null;
        })
        .thenApply(x -> null);
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
          Group g = existing(stream, group);
          int max = g.settings.maxSubscriberCount();
          if (max > 0 && g.connections.size() >= max) {
            throw new PersistentSubscriptionException(
                Reason.MAXIMUM_SUBSCRIBERS_REACHED,
                "subscription group " + group + " on " + stream + " has " + max + " subscribers");
          }
          Connection c =
              new Connection(
                  g,
                  connectionIds.incrementAndGet(),
                  name,
                  from,
                  Math.max(1, bufferSize),
                  consumer);
          g.connections.add(c);
          pump(g);
          return c;
        });
  }

  /** One consumer's connection to a group. */
  public final class Connection {
    private final Group group;
    private final long id;
    private final String name;
    private final String from;
    private final int bufferSize;
    private final Consumer consumer;
    private int inFlight;
    private long delivered;
    private boolean open = true;

    private Connection(
        Group group, long id, String name, String from, int bufferSize, Consumer consumer) {
      this.group = group;
      this.id = id;
      this.name = name;
      this.from = from;
      this.bufferSize = bufferSize;
      this.consumer = consumer;
    }

    /** Acknowledges events by id: they are done. */
    public void ack(List<UUID> ids) {
      executor.execute(() -> group.ack(this, ids));
    }

    /** Refuses events by id. */
    public void nack(List<UUID> ids, NackAction action, String reason) {
      executor.execute(() -> group.nack(this, ids, action, reason));
    }

    /** Disconnects; the events it held go to the group's other connections. */
    public void close() {
      executor.execute(() -> group.disconnect(this));
    }

    public long id() {
      return id;
    }

    private boolean hasRoom() {
      return open && inFlight < bufferSize;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Groups

  /** An event waiting for delivery, delivered, or to be retried. */
  private record Item(ResolvedEvent event, long position, boolean tracked, int retryCount) {
    UUID id() {
      return event.original().id();
    }
  }

  private record Outstanding(Item item, Connection connection, long deadline) {}

  private final class Group {
    final String stream;
    final String name;
    PersistentSubscriptionSettings settings;
    CursorState cursor;
    long readFrom;
    boolean live;
    final List<Connection> connections = new ArrayList<>();
    int nextConnection;
    final ArrayDeque<Item> buffer = new ArrayDeque<>();
    final ArrayDeque<Item> retry = new ArrayDeque<>();
    final Map<UUID, Outstanding> outstanding = new HashMap<>();
    final TreeMap<Long, UUID> outstandingByPosition = new TreeMap<>();
    int doneSinceCheckpoint;
    long lastCheckpointAt = System.currentTimeMillis();
    long lastCheckpointed = -1;
    long totalItems;

    Group(String stream, String name, PersistentSubscriptionSettings settings, CursorState cursor) {
      this.stream = stream;
      this.name = name;
      this.settings = settings;
      this.cursor = cursor;
      this.readFrom = cursor.checkpoint();
    }

    String checkpointStream() {
      return "$persistentsubscription-" + stream + "::" + name + "-checkpoint";
    }

    String parkedStream() {
      return "$persistentsubscription-" + stream + "::" + name + "-parked";
    }

    /** Reads ahead from the source while the buffer has room. */
    void fill() {
      int room = (live ? settings.liveBufferSize() : settings.historyBufferSize()) - buffer.size();
      while (room > 0) {
        List<ResolvedEvent> page = readSource(Math.min(room, settings.readBatchSize()));
        if (page.isEmpty()) {
          live = true;
          return;
        }
        for (ResolvedEvent e : page) {
          long position = sourcePosition(e);
          readFrom = position + 1;
          if (cursor.isDone(position)
              || outstandingByPosition.containsKey(position)
              || (settings.filter() != null && !settings.filter().test(e.event()))) {
            if (!outstandingByPosition.containsKey(position)) {
              cursor.done(position);
            }
            continue;
          }
          buffer.add(new Item(e, position, true, 0));
          room--;
        }
      }
    }

    private List<ResolvedEvent> readSource(int max) {
      if (stream.equals(ALL)) {
        return store.readAll(readFrom, true, max, settings.resolveLinks());
      }
      try {
        return switch (store.readStream(stream, readFrom, true, max, settings.resolveLinks())) {
          case StreamReadResult.Events ev -> ev.events();
          case StreamReadResult.NotFound nf -> List.of();
        };
      } catch (StreamDeletedException e) {
        return List.of();
      }
    }

    private long sourcePosition(ResolvedEvent e) {
      return stream.equals(ALL) ? e.position() : e.original().revision();
    }

    /** Hands waiting events to connections with room, retries first. */
    void dispatch() {
      while (!retry.isEmpty() || !buffer.isEmpty()) {
        Item item = !retry.isEmpty() ? retry.peek() : buffer.peek();
        Connection c = choose(item);
        if (c == null) {
          return;
        }
        if (!retry.isEmpty()) {
          retry.poll();
        } else {
          buffer.poll();
        }
        if (outstanding.containsKey(item.id())) {
          continue; // the same event twice in flight: the later copy waits for the first's fate
        }
        if (item.tracked()) {
          cursor.handedOut(item.position());
          outstandingByPosition.put(item.position(), item.id());
        }
        outstanding.put(
            item.id(),
            new Outstanding(item, c, System.currentTimeMillis() + settings.messageTimeoutMs()));
        c.inFlight++;
        c.delivered++;
        totalItems++;
        try {
          c.consumer.deliver(item.event(), item.retryCount());
          store.delivered(1, item.event().size());
        } catch (RuntimeException e) {
          LOG.warn("Delivery to {} of {}::{} failed: {}", c.name, stream, name, e.toString());
        }
      }
    }

    private Connection choose(Item item) {
      if (connections.isEmpty()) {
        return null;
      }
      ConsumerStrategy strategy = settings.consumerStrategy();
      if (strategy == ConsumerStrategy.PINNED
          || strategy == ConsumerStrategy.PINNED_BY_CORRELATION) {
        RecordedEvent e = item.event().event();
        String key = e.stream();
        if (strategy == ConsumerStrategy.PINNED_BY_CORRELATION) {
          String correlation = correlationId(e.metadata());
          if (correlation != null) {
            key = correlation;
          }
        }
        Connection c = connections.get(Math.floorMod(key.hashCode(), connections.size()));
        return c.hasRoom() ? c : null;
      }
      int n = connections.size();
      int start = strategy == ConsumerStrategy.DISPATCH_TO_SINGLE ? 0 : nextConnection % n;
      for (int i = 0; i < n; i++) {
        Connection c = connections.get((start + i) % n);
        if (c.hasRoom()) {
          if (strategy == ConsumerStrategy.ROUND_ROBIN) {
            nextConnection = (start + i + 1) % n;
          }
          return c;
        }
      }
      return null;
    }

    void ack(Connection c, List<UUID> ids) {
      for (UUID id : ids) {
        Outstanding o = take(id);
        if (o != null) {
          finished(o.item());
        }
      }
      pump(this);
    }

    void nack(Connection c, List<UUID> ids, NackAction action, String reason) {
      if (action == NackAction.STOP) {
        disconnect(c);
        c.consumer.dropped("stopped by the client: " + reason);
        return;
      }
      for (UUID id : ids) {
        Outstanding o = take(id);
        if (o == null) {
          continue;
        }
        switch (action) {
          case PARK -> park(o.item(), reason);
          case RETRY -> retryOrPark(o.item(), reason);
          case SKIP -> finished(o.item());
          case STOP -> throw new IllegalStateException("handled above");
        }
      }
      pump(this);
    }

    private Outstanding take(UUID id) {
      Outstanding o = outstanding.remove(id);
      if (o != null) {
        o.connection().inFlight--;
        if (o.item().tracked()) {
          outstandingByPosition.remove(o.item().position());
        }
      }
      return o;
    }

    private void finished(Item item) {
      if (item.tracked()) {
        cursor.done(item.position());
        doneSinceCheckpoint++;
      }
    }

    void retryOrPark(Item item, String reason) {
      if (item.retryCount() >= settings.maxRetryCount()) {
        park(item, "retried " + item.retryCount() + " times: " + reason);
      } else {
        retry.add(new Item(item.event(), item.position(), item.tracked(), item.retryCount() + 1));
      }
    }

    /** Writes a link to the event into the parked stream; the event is then done. */
    void park(Item item, String reason) {
      RecordedEvent target = item.event().event();
      ProposedEvent link =
          new ProposedEvent(
              UUID.randomUUID(),
              Projections.LINK_TYPE,
              "application/octet-stream",
              (target.revision() + "@" + target.stream()).getBytes(StandardCharsets.UTF_8),
              ("{\"reason\":" + JSON.valueToTree(reason == null ? "" : reason) + "}")
                  .getBytes(StandardCharsets.UTF_8));
      store
          .append(parkedStream(), ExpectedRevision.ANY, List.of(link))
          .whenComplete(
              (r, t) -> {
                if (t != null) {
                  LOG.warn("Parking an event of {}::{} failed: {}", stream, name, t.toString());
                }
              });
      finished(item);
    }

    void disconnect(Connection c) {
      if (!connections.remove(c)) {
        return;
      }
      c.open = false;
      List<Outstanding> held = new ArrayList<>();
      for (Outstanding o : outstanding.values()) {
        if (o.connection() == c) {
          held.add(o);
        }
      }
      for (Outstanding o : held) {
        take(o.item().id());
        retry.add(o.item());
      }
      pump(this);
    }

    void dropAll(String reason) {
      for (Connection c : List.copyOf(connections)) {
        disconnect(c);
        c.consumer.dropped(reason);
      }
    }

    /** Retries (or parks) what timed out, and checkpoints when due. */
    void tick(long now) {
      List<Outstanding> expired = new ArrayList<>();
      for (Outstanding o : outstanding.values()) {
        if (o.deadline() <= now) {
          expired.add(o);
        }
      }
      for (Outstanding o : expired) {
        take(o.item().id());
        retryOrPark(o.item(), "timed out");
      }
      if (doneSinceCheckpoint >= settings.minCheckpointCount()
          && now - lastCheckpointAt >= settings.checkpointAfterMs()) {
        checkpoint(false);
      }
      if (!expired.isEmpty()) {
        pump(this);
      }
    }

    CompletableFuture<?> checkpoint(boolean always) {
      long cp = cursor.checkpoint();
      if (!always && cp == lastCheckpointed && doneSinceCheckpoint == 0) {
        return CompletableFuture.completedFuture(null);
      }
      ProposedEvent e =
          new ProposedEvent(
              UUID.randomUUID(),
              "$SubscriptionCheckpoint",
              "application/octet-stream",
              cursor.encode(),
              new byte[0]);
      CompletableFuture<?> written =
          store
              .append(checkpointStream(), ExpectedRevision.ANY, List.of(e))
              .whenComplete(
                  (r, t) -> {
                    if (t != null) {
                      LOG.warn("Checkpoint of {}::{} failed: {}", stream, name, t.toString());
                    }
                  });
      lastCheckpointed = cp;
      lastCheckpointAt = System.currentTimeMillis();
      doneSinceCheckpoint = 0;
      return written;
    }

    /** Only the last checkpoint matters: keep the checkpoint stream at one visible event. */
    void setCheckpointStreamLimit() {
      ProposedEvent md =
          new ProposedEvent(
              UUID.randomUUID(),
              EventRecords.METADATA_TYPE,
              "application/json",
              "{\"$maxCount\":1}".getBytes(StandardCharsets.UTF_8),
              new byte[0]);
      store.append("$$" + checkpointStream(), ExpectedRevision.ANY, List.of(md));
    }

    void replayParked(long stopAt) {
      StreamReadResult r = store.readStream(parkedStream(), 0, true, stopAt, false);
      if (!(r instanceof StreamReadResult.Events ev) || ev.events().isEmpty()) {
        return;
      }
      long last = -1;
      for (ResolvedEvent link : ev.events()) {
        last = link.event().revision();
        ResolvedEvent target = resolve(link.event());
        if (target != null) {
          retry.add(new Item(target, -1, false, 0));
        }
      }
      ProposedEvent md =
          new ProposedEvent(
              UUID.randomUUID(),
              EventRecords.METADATA_TYPE,
              "application/json",
              ("{\"$tb\":" + (last + 1) + "}").getBytes(StandardCharsets.UTF_8),
              new byte[0]);
      store.append("$$" + parkedStream(), ExpectedRevision.ANY, List.of(md));
      pump(this);
    }

    private ResolvedEvent resolve(RecordedEvent link) {
      String data = new String(link.data(), StandardCharsets.UTF_8);
      int at = data.indexOf('@');
      if (at <= 0) {
        return null;
      }
      try {
        long revision = Long.parseLong(data.substring(0, at));
        StreamReadResult r = store.readStream(data.substring(at + 1), revision, true, 1, false);
        if (r instanceof StreamReadResult.Events ev && !ev.events().isEmpty()) {
          return ev.events().get(0);
        }
      } catch (NumberFormatException | EventStoreException e) {
        LOG.debug("Parked link {} cannot be resolved: {}", data, e.toString());
      }
      return null;
    }

    long parkedCount() {
      try {
        StreamReadResult r = store.readStream(parkedStream(), 0, true, Long.MAX_VALUE, false);
        return r instanceof StreamReadResult.Events ev ? ev.events().size() : 0;
      } catch (EventStoreException e) {
        return 0;
      }
    }

    PersistentSubscriptionInfo info() {
      List<PersistentSubscriptionInfo.ConnectionInfo> cs = new ArrayList<>();
      for (Connection c : connections) {
        cs.add(
            new PersistentSubscriptionInfo.ConnectionInfo(
                c.name, c.from, c.inFlight, Math.max(0, c.bufferSize - c.inFlight), c.delivered));
      }
      return new PersistentSubscriptionInfo(
          stream,
          name,
          live ? "Live" : "CatchingUp",
          settings,
          cs,
          lastCheckpointed,
          readFrom - 1,
          totalItems,
          parkedCount(),
          buffer.size(),
          retry.size(),
          outstanding.size());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Running

  private void pumpAll() {
    for (Group g : groups.values()) {
      pump(g);
    }
  }

  private void pump(Group g) {
    if (closed) {
      return;
    }
    try {
      g.dispatch();
      g.fill();
      g.dispatch();
      if (g.doneSinceCheckpoint >= g.settings.maxCheckpointCount()) {
        g.checkpoint(false);
      }
    } catch (EventStoreException e) {
      LOG.warn("Subscription group {}::{} cannot read: {}", g.stream, g.name, e.getMessage());
    }
  }

  private void tick() {
    long now = System.currentTimeMillis();
    for (Group g : groups.values()) {
      try {
        g.tick(now);
      } catch (RuntimeException e) {
        LOG.warn("Subscription group {}::{}: {}", g.stream, g.name, e.toString());
      }
    }
  }

  private Group existing(String stream, String group) {
    Group g = groups.get(key(stream, group));
    if (g == null) {
      throw new PersistentSubscriptionException(
          Reason.NOT_FOUND, "subscription group " + group + " on " + stream + " does not exist");
    }
    return g;
  }

  private static String key(String stream, String group) {
    return stream + "::" + group;
  }

  private long resolveStart(String stream, long startFrom) {
    if (startFrom != EventStore.END) {
      return startFrom;
    }
    return stream.equals(ALL) ? store.endPosition() : store.lastRevision(stream) + 1;
  }

  private <T> CompletableFuture<T> call(Supplier<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              f.complete(work.get());
            } catch (RuntimeException e) {
              f.completeExceptionally(e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      f.completeExceptionally(new EventStoreException("persistent subscriptions are closed"));
    }
    return f;
  }

  // ---------------------------------------------------------------------------------------------
  // Definitions and checkpoints in the store

  private void saveDefinitions() {
    ArrayNode entries = JSON.createArrayNode();
    for (Group g : groups.values()) {
      ObjectNode e = entries.addObject();
      e.put("stream", g.stream);
      e.put("group", g.name);
      e.set("settings", toJson(g.settings));
    }
    ObjectNode root = JSON.createObjectNode();
    root.set("entries", entries);
    byte[] data;
    try {
      data = JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    store
        .append(
            CONFIG_STREAM,
            ExpectedRevision.ANY,
            List.of(
                new ProposedEvent(
                    UUID.randomUUID(), "$PersistentConfig", "application/json", data, new byte[0])))
        .join();
  }

  private void load() {
    StreamReadResult r = store.readStream(CONFIG_STREAM, EventStore.END, false, 1, false);
    if (!(r instanceof StreamReadResult.Events ev) || ev.events().isEmpty()) {
      return;
    }
    try {
      JsonNode root = JSON.readTree(ev.events().get(0).event().data());
      for (JsonNode e : root.path("entries")) {
        String stream = e.path("stream").asText();
        String name = e.path("group").asText();
        PersistentSubscriptionSettings settings = fromJson(e.path("settings"));
        Group g = new Group(stream, name, settings, loadCursor(stream, name, settings));
        groups.put(key(stream, name), g);
      }
      LOG.info("Loaded {} persistent subscription group(s).", groups.size());
    } catch (IOException | RuntimeException e) {
      LOG.error("The persistent subscription definitions cannot be read: {}", e.toString());
    }
  }

  private CursorState loadCursor(
      String stream, String name, PersistentSubscriptionSettings settings) {
    String cs = "$persistentsubscription-" + stream + "::" + name + "-checkpoint";
    StreamReadResult r = store.readStream(cs, EventStore.END, false, 1, false);
    if (r instanceof StreamReadResult.Events ev && !ev.events().isEmpty()) {
      try {
        return CursorState.decode(ev.events().get(0).event().data());
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "Checkpoint of {}::{} is unreadable; starting over: {}", stream, name, e.toString());
      }
    }
    return new CursorState(settings.startFrom() == EventStore.END ? 0 : settings.startFrom());
  }

  private static ObjectNode toJson(PersistentSubscriptionSettings s) {
    ObjectNode o = JSON.createObjectNode();
    o.put("resolveLinks", s.resolveLinks());
    o.put("startFrom", s.startFrom());
    o.put("messageTimeoutMs", s.messageTimeoutMs());
    o.put("maxRetryCount", s.maxRetryCount());
    o.put("liveBufferSize", s.liveBufferSize());
    o.put("readBatchSize", s.readBatchSize());
    o.put("historyBufferSize", s.historyBufferSize());
    o.put("checkpointAfterMs", s.checkpointAfterMs());
    o.put("minCheckpointCount", s.minCheckpointCount());
    o.put("maxCheckpointCount", s.maxCheckpointCount());
    o.put("maxSubscriberCount", s.maxSubscriberCount());
    o.put("consumerStrategy", s.consumerStrategy().name());
    if (s.filter() != null) {
      ObjectNode f = o.putObject("filter");
      f.put("onStreamName", s.filter().onStreamName());
      ArrayNode p = f.putArray("prefixes");
      s.filter().prefixes().forEach(p::add);
      if (s.filter().regex() != null) {
        f.put("regex", s.filter().regex());
      }
    }
    return o;
  }

  private static PersistentSubscriptionSettings fromJson(JsonNode o) {
    EventFilter filter = null;
    JsonNode f = o.get("filter");
    if (f != null && f.isObject()) {
      List<String> prefixes = new ArrayList<>();
      for (Iterator<JsonNode> it = f.path("prefixes").elements(); it.hasNext(); ) {
        prefixes.add(it.next().asText());
      }
      filter =
          new EventFilter(
              f.path("onStreamName").asBoolean(),
              prefixes,
              f.hasNonNull("regex") ? f.get("regex").asText() : null);
    }
    return new PersistentSubscriptionSettings(
        o.path("resolveLinks").asBoolean(),
        o.path("startFrom").asLong(),
        o.path("messageTimeoutMs").asInt(),
        o.path("maxRetryCount").asInt(),
        o.path("liveBufferSize").asInt(),
        o.path("readBatchSize").asInt(),
        o.path("historyBufferSize").asInt(),
        o.path("checkpointAfterMs").asInt(),
        o.path("minCheckpointCount").asInt(),
        o.path("maxCheckpointCount").asInt(),
        o.path("maxSubscriberCount").asInt(),
        ConsumerStrategy.valueOf(o.path("consumerStrategy").asText()),
        filter);
  }

  /** Writes every group's checkpoint and stops; connections are dropped. */
  @Override
  public void close() {
    store.removeListener(onAppended);
    List<CompletableFuture<?>> checkpoints =
        call(() -> {
              List<CompletableFuture<?>> written = new ArrayList<>();
              for (Group g : groups.values()) {
                written.add(g.checkpoint(false));
                g.dropAll("the server is shutting down");
              }
              closed = true;
              return written;
            })
            .join();
    try {
      CompletableFuture.allOf(checkpoints.toArray(CompletableFuture[]::new))
          .get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.warn("Not every persistent subscription checkpoint was written: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
