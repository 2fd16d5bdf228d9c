package io.watershed.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.stream.PersistentSubscriptionsTest.Recorder;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a persistent subscription group does when its own streams (parked events, checkpoints,
 * definitions) cannot be written, and what it costs to ask about it: each test reproduces a fault
 * of the group before the subscription engine (they failed on 8c5526d).
 */
class PersistentSubscriptionsFaultsTest {
  @TempDir Path dir;
  TopicStore topics;
  IndexedEventStore real;
  FaultyEventStore faulty;
  PersistentSubscriptions subs;

  @BeforeEach
  void open() throws Exception {
    topics = TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
    real = IndexedEventStore.open(topics, dir.resolve("index"), EventStoreLimits.DEFAULT);
    faulty = new FaultyEventStore(real);
    subs = PersistentSubscriptions.open(faulty.store());
  }

  @AfterEach
  void close() throws Exception {
    faulty.heal();
    if (subs != null) {
      subs.close();
    }
    real.close();
    topics.close();
  }

  private void restart() {
    subs.close();
    subs = PersistentSubscriptions.open(faulty.store());
  }

  private void write(String stream, String prefix, int n) {
    real.append(stream, ExpectedRevision.ANY, FaultyEventStore.events(prefix, n)).join();
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static PersistentSubscriptionSettings settings() {
    return PersistentSubscriptionsTest.settings(3, 30_000);
  }

  private static PersistentSubscriptionSettings filtered(String prefix) {
    PersistentSubscriptionSettings d = settings();
    return new PersistentSubscriptionSettings(
        false,
        0,
        d.messageTimeoutMs(),
        d.maxRetryCount(),
        d.liveBufferSize(),
        d.readBatchSize(),
        d.historyBufferSize(),
        d.checkpointAfterMs(),
        d.minCheckpointCount(),
        d.maxCheckpointCount(),
        0,
        d.consumerStrategy(),
        new EventFilter(true, List.of(prefix), null));
  }

  @Test
  void anEventWhoseParkingFailedIsNeitherLostNorCheckpointedPast() throws Exception {
    write("p-1", "e", 1);
    subs.create("p-1", "g", settings()).join();
    faulty.failAppendsEndingWith("-parked");
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c = subs.connect("p-1", "g", "c", "t", 10, r).join();
    ResolvedEvent e = r.next();
    c.nack(List.of(e.event().id()), PersistentSubscriptions.NackAction.PARK, "poison");
    String parked = "$persistentsubscription-p-1::g-parked";
    await(() -> faulty.refused(parked) > 0, "a refused park");
    await(() -> subs.info("p-1", "g").join().inFlightCount() == 0, "the nack handled");
    assertThat(subs.info("p-1", "g").join().parkedCount()).isZero();

    restart();
    faulty.heal();
    Recorder after = new Recorder();
    subs.connect("p-1", "g", "c", "t", 10, after).join();
    // Either delivered again, or parked by a retry: never gone.
    await(
        () ->
            !after.events.isEmpty()
                || real.lastRevision(parked) >= 0
                || subs.info("p-1", "g").join().parkedCount() > 0,
        "the event delivered again or parked");
  }

  @Test
  void aCheckpointIsWrittenOnlyWhenItsWriteSucceedsAndIsWrittenAgainAfterAFailure()
      throws Exception {
    write("k-1", "e", 10);
    subs.create("k-1", "g", settings()).join();
    String checkpoints = "$persistentsubscription-k-1::g-checkpoint";
    faulty.failAppendsEndingWith("-checkpoint");
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c = subs.connect("k-1", "g", "c", "t", 20, r).join();
    for (int i = 0; i < 10; i++) {
      c.ack(List.of(r.next().event().id()));
    }
    await(() -> faulty.refused(checkpoints) > 0, "a refused checkpoint");
    assertThat(subs.info("k-1", "g").join().lastCheckpointedPosition())
        .as("the checkpoint written, not the one refused")
        .isZero();

    faulty.heal();
    restart();
    Recorder after = new Recorder();
    subs.connect("k-1", "g", "c", "t", 20, after).join();
    assertThat(after.events.poll(500, TimeUnit.MILLISECONDS))
        .as("acknowledged events are not delivered again")
        .isNull();
  }

  @Test
  void aFilteredAllGroupsCheckpointStaysSmallBehindAnOutstandingEvent() throws Exception {
    subs.create(PersistentSubscriptions.ALL, "g", filtered("user-")).join();
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c =
        subs.connect(PersistentSubscriptions.ALL, "g", "c", "t", 10, r).join();
    write("user-1", "u", 1);
    ResolvedEvent held = r.next(); // never acknowledged
    assertThat(held.event().stream()).isEqualTo("user-1");
    for (int i = 0; i < 20; i++) {
      write("order-" + i, "o", 100); // 2,000 events the filter leaves out
    }
    write("user-2", "u", 1);
    ResolvedEvent second = r.next();
    assertThat(second.event().stream()).isEqualTo("user-2");
    c.ack(List.of(second.event().id()));
    String checkpoints = "$persistentsubscription-$all::g-checkpoint";
    await(() -> real.lastRevision(checkpoints) >= 1, "a checkpoint after the ack");
    StreamReadResult.Events last =
        (StreamReadResult.Events) real.readStream(checkpoints, EventStore.END, false, 1, false);
    System.out.println(
        "CHECKPOINT BYTES "
            + last.events().get(0).event().data().length
            + " rev "
            + real.lastRevision(checkpoints));
    assertThat(last.events().get(0).event().data().length)
        .as("the encoded cursor, whatever the filter left out")
        .isLessThan(100);
  }

  @Test
  void aFilteredAllGroupDoesNotCheckpointPastAnEventStillOutstanding() throws Exception {
    write("user-1", "u", 1);
    write("order-1", "o", 5); // read in the same page as user-1, before it is handed out
    subs.create(PersistentSubscriptions.ALL, "g", filtered("user-")).join();
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c =
        subs.connect(PersistentSubscriptions.ALL, "g", "c", "t", 10, r).join();
    ResolvedEvent held = r.next(); // never acknowledged
    write("user-2", "u", 1);
    ResolvedEvent second = r.next();
    c.ack(List.of(second.event().id()));
    String checkpoints = "$persistentsubscription-$all::g-checkpoint";
    await(() -> real.lastRevision(checkpoints) >= 1, "a checkpoint after the ack");

    restart();
    Recorder after = new Recorder();
    subs.connect(PersistentSubscriptions.ALL, "g", "c", "t", 10, after).join();
    assertThat(after.next().event().id()).isEqualTo(held.event().id());
  }

  @Test
  void savingDefinitionsDoesNotStopOtherGroups() throws Exception {
    write("d-1", "e", 1);
    subs.create("d-1", "b", settings()).join();
    CompletableFuture<AppendOutcome> slowDisk = new CompletableFuture<>();
    faulty.appendOverride = s -> s.equals(PersistentSubscriptions.CONFIG_STREAM) ? slowDisk : null;
    try {
      CompletableFuture<Void> creating = subs.create("d-2", "a", settings());
      assertThat(subs.info("d-1", "b").get(5, TimeUnit.SECONDS).group()).isEqualTo("b");
      Recorder r = new Recorder();
      subs.connect("d-1", "b", "c", "t", 10, r).get(5, TimeUnit.SECONDS);
      assertThat(r.next().event().stream()).isEqualTo("d-1");
      assertThat(creating).isNotDone();
    } finally {
      faulty.heal();
      slowDisk.completeExceptionally(new EventStoreException("released"));
    }
  }

  @Test
  void infoDoesNotReadTheParkedStream() throws Exception {
    write("q-1", "e", 3);
    subs.create("q-1", "g", settings()).join();
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c = subs.connect("q-1", "g", "c", "t", 10, r).join();
    for (int i = 0; i < 3; i++) {
      c.nack(List.of(r.next().event().id()), PersistentSubscriptions.NackAction.PARK, "poison");
    }
    await(() -> subs.info("q-1", "g").join().parkedCount() == 3, "three parked");
    String parked = "$persistentsubscription-q-1::g-parked";
    int before = faulty.reads(parked);
    for (int i = 0; i < 5; i++) {
      assertThat(subs.info("q-1", "g").join().parkedCount()).isEqualTo(3);
    }
    assertThat(faulty.reads(parked)).isEqualTo(before);
  }

  @Test
  void parkedEventsBeingReplayedStayParkedUntilTheyAreDone() throws Exception {
    write("r-1", "e", 1);
    subs.create("r-1", "g", settings()).join();
    Recorder r = new Recorder();
    PersistentSubscriptions.Connection c = subs.connect("r-1", "g", "c", "t", 10, r).join();
    c.nack(List.of(r.next().event().id()), PersistentSubscriptions.NackAction.PARK, "poison");
    await(() -> subs.info("r-1", "g").join().parkedCount() == 1, "one parked");
    subs.replayParked("r-1", "g", -1).join();
    r.next(); // replayed, never acknowledged

    restart();
    assertThat(subs.info("r-1", "g").join().parkedCount())
        .as("still parked: its replay was not finished")
        .isEqualTo(1);
  }
}
