package io.watershed.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.stream.PersistentSubscriptionsTest.Recorder;
import io.watershed.core.subscription.CursorCodec;
import io.watershed.core.subscription.InMemoryCursorStore;
import io.watershed.core.subscription.ManualScheduler;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.file.Path;
import java.util.List;
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
  final InMemoryCursorStore cursors = new InMemoryCursorStore();
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
    assertThat(cursors.loadDefinitions().join()).containsOnlyKeys("s-1::g");
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c = subs.connect("s-1", "g", "c", "t", 10, r).join();
    c.ack(List.of(r.events.poll().event().id(), r.events.poll().event().id()));
    clock.advance(100); // checkpointAfterMs
    byte[] cursor = cursors.loadCursor("s-1::g").join().orElseThrow();
    assertThat(CursorCodec.decode(cursor).markDelete()).isEqualTo(2);
    subs.delete("s-1", "g").join();
    assertThat(cursors.loadDefinitions().join()).isEmpty();
    assertThat(store.lastRevision(PersistentSubscriptions.CONFIG_STREAM)).isEqualTo(-1);
  }
}
