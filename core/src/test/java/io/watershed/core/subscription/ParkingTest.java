package io.watershed.core.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The park sink: work is done only once parked, and replays empty the sink only once done. */
class ParkingTest {
  final Fixture f = new Fixture();

  @Test
  void workTheSinkRefusesStaysUndoneAndIsParkedWhenTheSinkTakesItAgain() {
    f.config = f.config.withParkRetryDelayMs(1_000);
    f.source.append(2);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    f.ack(c, 1);
    f.sink.failParks = true;
    assertThat(f.call(() -> f.sub.park(c, "poison", 0))).isEqualTo(1);
    SubscriptionStats s = f.stats();
    assertThat(s.parking()).isEqualTo(1);
    assertThat(s.parkFailures()).isEqualTo(1);
    assertThat(s.markDelete()).as("not done: neither delivered nor parked").isZero();
    assertThat(f.store.durable("t").markDelete()).isZero();

    f.scheduler.advance(1_000);
    assertThat(f.sink.parkCalls).as("tried again").isEqualTo(2);
    f.sink.failParks = false;
    f.scheduler.advance(1_000);
    assertThat(f.sink.parked).hasSize(1);
    assertThat(f.stats().markDelete()).isEqualTo(2);
    assertThat(f.store.durable("t")).isEqualTo(StoredCursor.at(2));
  }

  @Test
  void replayedEntriesLeaveTheSinkOnlyOnceDoneAndInOrder() {
    f.source.append(3);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    f.run(() -> f.sub.park(c, "poison", t.takeKeys()));
    assertThat(f.sink.parkedCount()).isEqualTo(3);

    f.run(() -> f.sub.replayParked(Long.MAX_VALUE));
    assertThat(t.got).hasSize(3).allSatisfy(d -> assertThat(d.replayed()).isTrue());
    assertThat(t.got.stream().map(d -> d.entry().value())).containsExactly("v0", "v1", "v2");
    long[] keys = t.takeKeys();
    f.ack(c, keys[1]);
    assertThat(f.sink.parkedCount()).as("the oldest is not done").isEqualTo(3);
    f.ack(c, keys[0]);
    assertThat(f.sink.parkedCount()).isEqualTo(1);
    f.ack(c, keys[2]);
    assertThat(f.sink.parkedCount()).isZero();
  }

  @Test
  void aReplayHoldsAtMostMaxReplayInFlight() {
    f.config = f.config.withMaxReplayInFlight(3).withReplayBatch(2);
    f.source.append(10);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 100, t);
    f.run(() -> f.sub.park(c, "poison", t.takeKeys()));
    f.run(() -> f.sub.replayParked(Long.MAX_VALUE));
    assertThat(t.got).hasSize(3);
    assertThat(f.stats().replaying()).isEqualTo(3);
    f.ack(c, t.takeKeys());
    assertThat(t.got).hasSize(3);
    f.ack(c, t.takeKeys());
    f.ack(c, t.takeKeys());
    f.ack(c, t.takeKeys());
    assertThat(f.sink.parkedCount()).isZero();
  }

  @Test
  void anEntryParkedAgainDuringAReplayWaitsForTheNextReplay() {
    f.config = f.config.withMaxDeliveries(1);
    f.source.append(1);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    f.run(() -> f.sub.nack(c, 0, t.takeKeys())); // parked at once: one delivery allowed
    assertThat(f.sink.parked).hasSize(1);
    f.run(() -> f.sub.replayParked(Long.MAX_VALUE));
    f.run(() -> f.sub.nack(c, 0, t.takeKeys())); // parked again, as ticket 1
    assertThat(t.got).as("not replayed in a loop").isEmpty();
    assertThat(f.sink.parked.keySet()).containsExactly(1L);
    f.run(() -> f.sub.replayParked(Long.MAX_VALUE));
    assertThat(t.got).hasSize(1);
  }

  @Test
  void aReplayStopsAtItsCount() {
    f.source.append(4);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    f.run(() -> f.sub.park(c, "poison", t.takeKeys()));
    f.run(() -> f.sub.replayParked(2));
    assertThat(t.got.stream().map(d -> d.entry().value())).containsExactly("v0", "v1");
    f.ack(c, t.takeKeys());
    assertThat(t.got).isEmpty();
    assertThat(f.sink.parkedCount()).isEqualTo(2);
  }
}
