package io.watershed.it;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.KurrentDBPersistentSubscriptionsClient;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The official KurrentDB client, connected as an application connects it. */
final class EventStoreClients {
  private EventStoreClients() {}

  static KurrentDBClient client(String connectionString) {
    return KurrentDBClient.create(KurrentDBConnectionString.parseOrThrow(connectionString));
  }

  static KurrentDBPersistentSubscriptionsClient persistent(String connectionString) {
    return KurrentDBPersistentSubscriptionsClient.create(
        KurrentDBConnectionString.parseOrThrow(connectionString));
  }

  static EventData event(String type, String json) {
    return EventData.builderAsJson(UUID.randomUUID(), type, json.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /** Closes a client's channels, waiting for it. */
  static void close(KurrentDBClient client) throws Exception {
    client.shutdown().get();
  }

  static void close(KurrentDBPersistentSubscriptionsClient client) throws Exception {
    client.shutdown().get();
  }
}
