package io.watershed.core.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The cursor's memory and stored size stay bounded whatever the filter passes over and whatever
 * consumers leave unanswered; and a restored cursor delivers exactly what was not done.
 */
class BoundedCursorTest {
  final Fixture f = new Fixture();

  @Test
  void positionsAFilterPassesOverAreNotWorkEvenBehindAnOutstandingEntry() {
    f.source.append(100_001);
    f.source.filter = p -> p == 0 || p == 100_000; // a filtered $all group: two matches
    f.config = f.config.withReadBatch(1_000).withMaxReadsPerPass(1_000);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    assertThat(t.keys()).containsExactly(0L, 100_000L);
    f.ack(c, 100_000); // 0 stays outstanding
    StoredCursor stored = f.store.durable("t");
    assertThat(stored.markDelete()).isZero();
    assertThat(stored.done()).containsExactly(new PositionRange(1, 100_001));
    assertThat(CursorCodec.encode(stored)).hasSizeLessThan(64);
    SubscriptionStats s = f.stats();
    assertThat(s.window()).isEqualTo(1);
    assertThat(s.readFrontier()).isEqualTo(100_001);
  }

  @Test
  void atMaxUnackedNothingMoreIsReadUntilTheOldestIsDone() {
    f.config = f.config.withMaxUnacked(4);
    f.source.append(1_000);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 1_000, t);
    assertThat(t.keys()).containsExactly(0L, 1L, 2L, 3L);
    assertThat(f.stats().windowFull()).isTrue();
    // A consumer that acknowledges everything but the first: the window moves, one hole stays.
    for (int round = 0; round < 400 && t.got.size() > 1; round++) {
      long[] keys = t.got.stream().mapToLong(Delivery::key).filter(k -> k != 0).toArray();
      t.got.clear();
      f.ack(c, keys);
      assertThat(f.stats().window()).isLessThanOrEqualTo(4);
      assertThat(f.cursor().done()).hasSizeLessThanOrEqualTo(1);
    }
    assertThat(f.stats().readFrontier()).isEqualTo(1_000);
    // Consumers that acknowledge every other one: the window fills with holes, and stops.
    f.source.append(1_000);
    RecordingTarget odd = new RecordingTarget();
    f.run(() -> f.sub.detach(c));
    SubscriptionConsumer<String> oc = f.attach("odd", 1_000, odd);
    f.run(() -> f.sub.sourceGrew());
    for (int round = 0; round < 10; round++) {
      long[] keys = odd.got.stream().mapToLong(Delivery::key).filter(k -> k % 2 == 1).toArray();
      odd.got.clear();
      f.ack(oc, keys);
    }
    assertThat(f.stats().windowFull()).isTrue();
    assertThat(f.stats().window()).isEqualTo(4);
    assertThat(f.cursor().done()).hasSizeLessThanOrEqualTo(4);
  }

  @Test
  void atMaxWindowBytesNothingMoreIsRead() {
    f.config = f.config.withMaxWindowBytes(10); // values "v0".."v9" are 2 bytes
    f.source.append(100);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 1_000, t);
    assertThat(t.got).hasSize(5);
    assertThat(f.stats().windowBytes()).isEqualTo(10);
    f.ack(c, 0);
    assertThat(t.got).hasSize(6);
  }

  @Test
  void aSubscriptionWithNoConsumersReadsNothing() {
    f.source.append(1_000);
    f.open();
    assertThat(f.source.reads).isZero();
    assertThat(f.stats().window()).isZero();
  }

  @Test
  void onePassReadsAtMostMaxReadsPerPassThenLetsOthersRun() {
    f.source.append(10_000);
    f.source.filter = p -> false;
    f.config = f.config.withReadBatch(10).withMaxReadsPerPass(5);
    f.open();
    RecordingTarget t = new RecordingTarget();
    f.scheduler.drainOnExecute(false);
    SubscriptionConsumer<?>[] c = new SubscriptionConsumer<?>[1];
    c[0] = f.sub.attach(ConsumerOptions.window("c", 10), t); // one pass, on the test thread
    assertThat(f.source.reads).isEqualTo(5);
    assertThat(f.scheduler.queued()).as("the next pass, queued behind other tasks").isEqualTo(1);
    f.scheduler.drain();
    assertThat(f.stats().readFrontier()).isEqualTo(10_000);
    assertThat(f.stats().caughtUp()).isTrue();
  }

  @Test
  void aFailedReadIsTriedAgainAfterTheDelay() {
    f.config = f.config.withReadRetryDelayMs(500);
    f.source.append(3);
    f.source.failure = new IllegalStateException("damaged");
    f.open();
    RecordingTarget t = new RecordingTarget();
    f.attach("c", 10, t);
    assertThat(f.stats().readFailures()).isEqualTo(1);
    f.source.failure = null;
    f.scheduler.advance(499);
    assertThat(t.got).isEmpty();
    f.scheduler.advance(1);
    assertThat(t.got).hasSize(3);
  }

  @Test
  void aRestoredCursorDeliversWhatWasNotDoneWithItsDeliveryCounts() {
    f.source.append(6);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    f.ack(c, 1, 3);
    f.run(() -> f.sub.nack(c, 0, 2)); // delivered again: 2 handed out twice
    f.call(() -> f.sub.close("restart"));
    assertThat(t.closed).isEqualTo("restart");

    Fixture again = new Fixture();
    again.source.values.putAll(f.source.values);
    again.start = f.store.durable("t");
    again.open();
    RecordingTarget after = new RecordingTarget();
    again.attach("c", 10, after);
    assertThat(after.keys()).containsExactly(0L, 2L, 4L, 5L);
    assertThat(after.got.stream().map(Delivery::deliveryCount)).containsExactly(2, 3, 2, 2);
  }

  /**
   * A model check, seeded: a source with gaps and a filter, random acknowledgements, nacks and
   * parks; after each of many restarts, exactly the work not done is delivered, and the stored
   * cursor never holds more ranges than the window.
   */
  @Test
  void afterAnyRestartExactlyTheWorkNotDoneIsDelivered() {
    Random random = new Random(20261207L);
    ListSource source = new ListSource();
    for (long p = 0; p < 3_000; p++) {
      if (random.nextInt(4) != 0) {
        source.put(p, "v" + p, 0);
      }
    }
    TreeSet<Long> notDone = new TreeSet<>();
    source.values.keySet().stream().filter(p -> p % 7 != 3).forEach(notDone::add);
    StoredCursor stored = StoredCursor.at(0);
    int restart = 0;
    for (; restart < 500 && !notDone.isEmpty(); restart++) {
      Fixture fx = new Fixture();
      fx.source.values.putAll(source.values);
      fx.source.filter = p -> p % 7 != 3;
      fx.config = fx.config.withMaxUnacked(50).withReadAhead(20).withReadBatch(7);
      fx.start = stored;
      fx.open();
      RecordingTarget t = new RecordingTarget();
      SubscriptionConsumer<String> c = fx.attach("c", 30, t);
      for (int step = 0; step < 4 && !t.got.isEmpty(); step++) {
        List<Delivery<String>> batch = new ArrayList<>(t.got);
        t.got.clear();
        for (Delivery<String> d : batch) {
          assertThat(notDone).as("restart %d: delivered, not done", restart).contains(d.key());
          int choice = random.nextInt(10);
          if (choice < 6) {
            fx.ack(c, d.key());
            notDone.remove(d.key());
          } else if (choice < 7) {
            fx.run(() -> fx.sub.park(c, "bad", d.key()));
            notDone.remove(d.key());
          } else {
            fx.run(() -> fx.sub.nack(c, 0, d.key()));
          }
        }
        assertThat(fx.cursor().done().size()).isLessThanOrEqualTo(51);
      }
      fx.call(() -> fx.sub.close("restart"));
      stored = fx.store.durable("t");
      // What the stored cursor says is not done is exactly the model's not-done work.
      int at = restart;
      StoredCursor s = stored;
      TreeSet<Long> storedNotDone = new TreeSet<>();
      for (long p : source.values.keySet()) {
        if (p % 7 != 3
            && p >= s.markDelete()
            && s.done().stream().noneMatch(r -> p >= r.start() && p < r.end())) {
          storedNotDone.add(p);
        }
      }
      assertThat(storedNotDone).as("restart %d", at).isEqualTo(notDone);
    }
    assertThat(notDone).isEmpty();
    assertThat(restart).as("several restarts").isGreaterThan(20);
  }
}
