package io.watershed.server.admin;

import io.watershed.core.stream.IndexedEventStore;
import io.watershed.core.stream.PersistentSubscriptions;
import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.group.GroupCoordinator;
import io.watershed.kinesis.KinesisFrontDoor;
import io.watershed.kinesis.KinesisView;
import io.watershed.server.eventstore.EventStoreService;
import io.watershed.server.kafka.KafkaService;
import io.watershed.server.kinesis.KinesisService;
import io.watershed.server.storage.StorageService;
import java.util.function.BooleanSupplier;

/**
 * What the admin API works on: the services of the server, reached only once they have started (a
 * request before that is answered 503).
 */
public record AdminContext(
    StorageService storage,
    KafkaService kafka,
    EventStoreService eventStore,
    KinesisService kinesis,
    BooleanSupplier ready) {

  TopicStore topics() {
    return storage.topics();
  }

  GroupCoordinator kafkaGroups() {
    if (kafka.door() == null) {
      throw ApiException.unavailable("the Kafka door is not started");
    }
    return kafka.door().groups();
  }

  /** The Kafka group coordinator, or null while the Kafka door is not started. */
  GroupCoordinator kafkaGroupsIfStarted() {
    return kafka.door() == null ? null : kafka.door().groups();
  }

  KinesisView kinesisStreams() {
    KinesisFrontDoor door = kinesis.door();
    KinesisView view = door == null ? null : door.view();
    if (view == null) {
      throw ApiException.unavailable("the Kinesis door is not started");
    }
    return view;
  }

  IndexedEventStore events() {
    IndexedEventStore s = eventStore.store();
    if (s == null) {
      throw ApiException.unavailable("the event store is not started");
    }
    return s;
  }

  PersistentSubscriptions subscriptions() {
    PersistentSubscriptions s = eventStore.subscriptions();
    if (s == null) {
      throw ApiException.unavailable("the event store is not started");
    }
    return s;
  }
}
