package io.watershed.server.eventstore;

import io.watershed.core.metrics.RequestObserver;
import io.watershed.core.stream.IndexedEventStore;
import io.watershed.core.stream.PersistentSubscriptions;
import io.watershed.core.subscription.CoordinatorCursorStore;
import io.watershed.eventstore.EventStoreFrontDoor;
import io.watershed.server.Service;
import io.watershed.server.config.EventStoreSettings;
import io.watershed.server.config.ServerConfig;
import io.watershed.server.storage.StorageService;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event store and its gRPC front door as a service of the server: the store ({@code $all} on
 * the storage's topics, its stream index under {@code <data.dir>/eventstore/index}), the persistent
 * subscription groups on it, the background scavenge, and the door. Closed in reverse: the door
 * stops taking calls before the groups and the store close.
 */
public final class EventStoreService implements Service {
  private final ServerConfig config;
  private final StorageService storage;
  private final RequestObserver requests;
  private volatile IndexedEventStore store;
  private volatile PersistentSubscriptions groups;
  private volatile EventStoreFrontDoor door;

  /**
   * @param requests told about every gRPC call the door answers
   */
  public EventStoreService(ServerConfig config, StorageService storage, RequestObserver requests) {
    this.config = config;
    this.storage = storage;
    this.requests = requests;
  }

  @Override
  public String name() {
    return "eventstore";
  }

  /** The coordinator namespace of persistent subscription groups. */
  static final String SUBSCRIPTIONS_NAMESPACE = "eventstore.subscriptions";

  private static final long MOVE_TIMEOUT_SECONDS = 120;
  private static final Logger LOG = LoggerFactory.getLogger(EventStoreService.class);

  @Override
  public void start() throws Exception {
    EventStoreSettings s =
        EventStoreSettings.build(
            config.doorSettings("eventstore"),
            config.bindHost(),
            config.eventstorePort(),
            config.advertisedHost(),
            config.dataDir());
    try {
      store = IndexedEventStore.open(storage.topics(), s.indexDir(), s.limits());
      store.scavengeEvery(s.scavengeIntervalMs());
      // Groups' definitions and checkpoints live on the coordinator runtime; a data directory of
      // an earlier version has them in the event store's streams, moved here on the first start.
      CoordinatorCursorStore cursors =
          new CoordinatorCursorStore(storage.coordinators(), SUBSCRIPTIONS_NAMESPACE);
      int moved =
          cursors
              .moveFrom(PersistentSubscriptions.streamCursorStore(store))
              .get(MOVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (moved > 0) {
        LOG.info("Moved {} persistent subscription group(s) onto the coordinator runtime", moved);
      }
      groups = PersistentSubscriptions.open(store, cursors);
      door = new EventStoreFrontDoor(s.door(), store, groups);
      door.observeRequests(requests);
      door.start();
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** The store, once started. */
  public IndexedEventStore store() {
    return store;
  }

  /** The persistent subscription groups, once started. */
  public PersistentSubscriptions subscriptions() {
    return groups;
  }

  /** The gRPC door, once started. */
  public EventStoreFrontDoor door() {
    return door;
  }

  @Override
  public Map<String, Integer> boundPorts() {
    return door == null ? Map.of() : Map.of("eventstore", door.port());
  }

  @Override
  public void close() {
    if (door != null) {
      door.close();
      door = null;
    }
    if (groups != null) {
      groups.close();
      groups = null;
    }
    if (store != null) {
      store.close();
      store = null;
    }
  }
}
