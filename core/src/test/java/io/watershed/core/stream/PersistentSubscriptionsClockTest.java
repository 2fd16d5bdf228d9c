package io.watershed.core.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.core.schedule.ManualScheduler;
import io.watershed.core.stream.PersistentSubscriptionsTest.Recorder;
import io.watershed.core.subscription.CursorCodec;
import io.watershed.core.subscription.CursorStore;
import io.watershed.core.subscription.InMemoryCursorStore;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group on an injected clock and cursor store: its timeouts are the scheduler's, not the wall
 * clock's, and its definition and cursor go where it is told. The events are written before the
 * groups open, so everything runs on the test thread.
 */
class PersistentSubscriptionsClockTest {
  @TempDir Path dir;
  TopicStore topics;
  IndexedEventStore store;
  final ManualScheduler clock = new ManualScheduler();
  final InMemoryCursorStore stored = new InMemoryCursorStore();
  volatile boolean refuseDefinitions;

  /** The in-memory store, refusing definition writes when a test says so. */
  final CursorStore cursors =
      new CursorStore() {
        @Override
        public CompletableFuture<Map<String, byte[]>> loadDefinitions() {
          return stored.loadDefinitions();
        }

        @Override
        public CompletableFuture<Optional<byte[]>> loadCursor(String subscription) {
          return stored.loadCursor(subscription);
        }

        @Override
        public CompletableFuture<Void> saveDefinition(String subscription, byte[] definition) {
          return refuseDefinitions
              ? CompletableFuture.failedFuture(new EventStoreException("disk full"))
              : stored.saveDefinition(subscription, definition);
        }

        @Override
        public CompletableFuture<Void> saveCursor(String subscription, byte[] cursor) {
          return stored.saveCursor(subscription, cursor);
        }

        @Override
        public CompletableFuture<Void> delete(String subscription) {
          return refuseDefinitions
              ? CompletableFuture.failedFuture(new EventStoreException("disk full"))
              : stored.delete(subscription);
        }
      };

  PersistentSubscriptions subs;

  @BeforeEach
  void open() throws Exception {
    topics = TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
    store = IndexedEventStore.open(topics, dir.resolve("index"), EventStoreLimits.DEFAULT);
    store.append("s-1", ExpectedRevision.ANY, FaultyEventStore.events("e", 3)).join();
    subs = PersistentSubscriptions.open(store, clock, cursors);
  }

  @AfterEach
  void close() throws Exception {
    subs.close();
    store.close();
    topics.close();
  }

  @Test
  void anUnacknowledgedEventIsRetriedWhenTheSchedulersClockSaysItTimedOut() {
    subs.create("s-1", "g", PersistentSubscriptionsTest.settings(5, 30_000)).join();
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c = subs.connect("s-1", "g", "c", "t", 1, r).join();
    ResolvedEvent first = r.events.poll();
    assertThat(first.event().revision()).isZero();
    assertThat(r.events).isEmpty();
    clock.advance(29_999);
    assertThat(r.events).isEmpty();
    clock.advance(1);
    ResolvedEvent again = r.events.poll();
    assertThat(again.event().id()).isEqualTo(first.event().id());
    assertThat(r.retries.get(first.event().id())).isEqualTo(1);
    c.ack(List.of(again.event().id()));
    assertThat(r.events.poll().event().revision()).isEqualTo(1);
  }

  @Test
  void definitionsAndCursorsGoToTheCursorStore() {
    subs.create("s-1", "g", PersistentSubscriptionsTest.settings(5, 30_000)).join();
    assertThat(stored.loadDefinitions().join()).containsOnlyKeys("s-1::g");
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c = subs.connect("s-1", "g", "c", "t", 10, r).join();
    c.ack(List.of(r.events.poll().event().id(), r.events.poll().event().id()));
    clock.advance(100); // checkpointAfterMs
    byte[] cursor = stored.loadCursor("s-1::g").join().orElseThrow();
    assertThat(CursorCodec.decode(cursor).markDelete()).isEqualTo(2);
    subs.delete("s-1", "g").join();
    assertThat(stored.loadDefinitions().join()).isEmpty();
    assertThat(store.lastRevision(PersistentSubscriptions.CONFIG_STREAM)).isEqualTo(-1);
  }

  @Test
  void aChangeWhoseWriteFailsChangesNothing() {
    subs.create("s-1", "g", PersistentSubscriptionsTest.settings(5, 30_000)).join();
    refuseDefinitions = true;
    assertThatThrownBy(
            () -> subs.create("s-1", "h", PersistentSubscriptionsTest.settings(5, 30_000)).join())
        .isInstanceOf(CompletionException.class)
        .hasRootCauseMessage("disk full");
    assertThatThrownBy(
            () -> subs.update("s-1", "g", PersistentSubscriptionsTest.settings(7, 30_000)).join())
        .hasRootCauseMessage("disk full");
    assertThatThrownBy(() -> subs.delete("s-1", "g").join()).hasRootCauseMessage("disk full");
    assertThat(subs.list(null).join())
        .singleElement()
        .satisfies(i -> assertThat(i.settings().maxRetryCount()).isEqualTo(5));
    refuseDefinitions = false;
    subs.create("s-1", "h", PersistentSubscriptionsTest.settings(5, 30_000)).join();
    assertThat(subs.list(null).join()).hasSize(2);
  }
}
