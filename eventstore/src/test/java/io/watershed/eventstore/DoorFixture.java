package io.watershed.eventstore;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBClientSettings;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import io.watershed.core.stream.EventStoreLimits;
import io.watershed.core.stream.IndexedEventStore;
import io.watershed.core.stream.PersistentSubscriptions;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.file.Path;

/**
 * The event-store door in process on a free loopback port, over a fresh store in {@code dir}, with
 * the official KurrentDB client connected to it.
 */
final class DoorFixture implements AutoCloseable {
  final TopicStore topics;
  final IndexedEventStore store;
  final PersistentSubscriptions groups;
  final EventStoreFrontDoor door;
  final KurrentDBClient client;
  final KurrentDBPersistentSubscriptionsClient persistent;

  DoorFixture(Path dir) throws Exception {
    this(dir, EventStoreDoorConfig.plaintext("127.0.0.1", 0, dir.resolve("tls")), "tls=false");
  }

  DoorFixture(Path dir, EventStoreDoorConfig config, String clientOptions) throws Exception {
    topics = TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
    store = IndexedEventStore.open(topics, dir.resolve("index"), EventStoreLimits.DEFAULT);
    groups = PersistentSubscriptions.open(store);
    door = new EventStoreFrontDoor(config, store, groups);
    door.start();
    KurrentDBClientSettings settings =
        KurrentDBConnectionString.parseOrThrow(
            "kurrentdb://127.0.0.1:" + door.port() + "?" + clientOptions);
    client = KurrentDBClient.create(settings);
    persistent = KurrentDBPersistentSubscriptionsClient.create(settings);
  }

  @Override
  public void close() throws java.util.concurrent.ExecutionException, java.io.IOException {
    try {
      persistent.shutdown().get();
      client.shutdown().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    door.close();
    groups.close();
    store.close();
    topics.close();
  }
}
