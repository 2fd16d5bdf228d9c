package io.watershed.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.coordinator.CoordinatorTopic;
import io.watershed.core.subscription.CoordinatorCursorStore;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Persistent subscription groups kept their state in the event store's streams before the
 * coordinator runtime; the first start after the upgrade moves it there once, and from then on the
 * runtime alone is their home (a group deleted afterwards does not come back from the old streams).
 */
class PersistentSubscriptionsMoveTest {
  @TempDir Path dir;

  private static List<String> groups(PersistentSubscriptions s) {
    return s.list(null).join().stream().map(i -> i.stream() + "/" + i.group()).sorted().toList();
  }

  @Test
  void groupsMoveOnceFromTheEventStoreStreamsOntoTheCoordinatorRuntime() throws Exception {
    Path data = dir.resolve("data");
    try (TopicStore topics = TopicStore.open(data, LogManagerConfig.defaults(data));
        IndexedEventStore store =
            IndexedEventStore.open(topics, dir.resolve("index"), EventStoreLimits.DEFAULT)) {
      PersistentSubscriptions old = PersistentSubscriptions.open(store);
      old.create("orders", "billing", PersistentSubscriptionSettings.DEFAULT).join();
      old.create("orders", "shipping", PersistentSubscriptionSettings.DEFAULT).join();
      assertThat(groups(old)).containsExactly("orders/billing", "orders/shipping");
      old.close();

      try (CoordinatorRuntime runtime =
          CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS)) {
        CoordinatorCursorStore cursors =
            new CoordinatorCursorStore(runtime, "eventstore.subscriptions");
        assertThat(cursors.moveFrom(PersistentSubscriptions.streamCursorStore(store)).join())
            .isEqualTo(2);
        PersistentSubscriptions moved = PersistentSubscriptions.open(store, cursors);
        assertThat(groups(moved)).containsExactly("orders/billing", "orders/shipping");
        moved.delete("orders", "shipping").join();
        moved.close();
      }

      try (CoordinatorRuntime runtime =
          CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS)) {
        CoordinatorCursorStore cursors =
            new CoordinatorCursorStore(runtime, "eventstore.subscriptions");
        assertThat(cursors.moveFrom(PersistentSubscriptions.streamCursorStore(store)).join())
            .isZero();
        PersistentSubscriptions again = PersistentSubscriptions.open(store, cursors);
        assertThat(groups(again)).containsExactly("orders/billing");
        again.close();
      }
    }
  }

  @Test
  void aFreshServerWritesNothingToTheCoordinatorTopic() throws Exception {
    Path data = dir.resolve("fresh");
    try (TopicStore topics = TopicStore.open(data, LogManagerConfig.defaults(data));
        IndexedEventStore store =
            IndexedEventStore.open(topics, dir.resolve("fresh-index"), EventStoreLimits.DEFAULT);
        CoordinatorRuntime runtime = CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS)) {
      CoordinatorCursorStore cursors =
          new CoordinatorCursorStore(runtime, "eventstore.subscriptions");
      assertThat(cursors.moveFrom(PersistentSubscriptions.streamCursorStore(store)).join())
          .isZero();
      long written = 0;
      for (int p = 0; p < CoordinatorConfig.DEFAULTS.shards(); p++) {
        written +=
            topics.partition(CoordinatorTopic.NAME, p).map(log -> log.logEndOffset()).orElse(0L);
      }
      assertThat(written).isZero();
    }
  }
}
