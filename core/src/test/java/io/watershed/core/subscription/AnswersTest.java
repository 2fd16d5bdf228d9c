package io.watershed.core.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Acknowledgements, negative ones, leases, delivery counts and flow control, on a manual clock. */
class AnswersTest {
  final Fixture f = new Fixture();

  @Test
  void individualAcksAboveTheMarkDeleteAreKeptAsRanges() {
    f.source.append(5);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    assertThat(t.keys()).containsExactly(0L, 1L, 2L, 3L, 4L);
    f.ack(c, 1, 3);
    assertThat(f.cursor())
        .isEqualTo(
            new StoredCursor(
                0,
                List.of(new PositionRange(1, 2), new PositionRange(3, 4)),
                new java.util.TreeMap<>(java.util.Map.of(0L, 1, 2L, 1, 4L, 1))));
    f.ack(c, 0);
    assertThat(f.cursor().markDelete()).isEqualTo(2);
    f.ack(c, 2, 4);
    assertThat(f.cursor()).isEqualTo(StoredCursor.at(5));
  }

  @Test
  void aCumulativeAckIsEverythingUpToItsPosition() {
    f.policy = new ExclusiveDispatch();
    f.source.append(5);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    f.run(() -> f.sub.ackCumulative(c, 3));
    assertThat(f.cursor().markDelete()).isEqualTo(4);
    assertThat(c.held()).isEqualTo(1);
  }

  @Test
  void aNackedEntryComesBackAfterItsDelayWithItsDeliveryCount() {
    f.source.append(1);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    assertThat(f.call(() -> f.sub.nack(c, 500, t.takeKeys()))).isEqualTo(1);
    assertThat(f.stats().delayed()).isEqualTo(1);
    f.scheduler.advance(499);
    assertThat(t.got).isEmpty();
    f.scheduler.advance(1);
    assertThat(t.got).singleElement().satisfies(d -> assertThat(d.deliveryCount()).isEqualTo(2));
  }

  @Test
  void workNotAnsweredWithinTheAckTimeoutGoesToAnotherConsumer() {
    f.config = f.config.withAckTimeoutMs(1_000);
    f.source.append(1);
    f.open();
    RecordingTarget silent = new RecordingTarget();
    f.attach("silent", 1, silent);
    RecordingTarget other = new RecordingTarget();
    f.attach("other", 10, other);
    assertThat(silent.keys()).containsExactly(0L);
    f.scheduler.advance(999);
    assertThat(other.got).isEmpty();
    f.scheduler.advance(1);
    assertThat(silent.released).containsExactly(0L);
    // Round robin: the silent consumer has room again, so its turn may come first.
    List<Delivery<String>> again = new java.util.ArrayList<>(other.got);
    again.addAll(silent.got.subList(1, silent.got.size()));
    assertThat(again).singleElement().satisfies(d -> assertThat(d.deliveryCount()).isEqualTo(2));
  }

  @Test
  void workHandedOutMaxDeliveriesTimesIsParkedAndThenDone() {
    f.config = f.config.withMaxDeliveries(2);
    f.source.append(2);
    f.open();
    RecordingTarget t = new RecordingTarget();
    t.onDeliver = d -> {};
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    f.ack(c, 1);
    t.got.clear();
    f.run(() -> f.sub.nack(c, 0, 0));
    assertThat(t.keys()).containsExactly(0L);
    f.run(() -> f.sub.nack(c, 0, 0));
    assertThat(f.sink.parked).hasSize(1);
    assertThat(f.sink.reasons.get(0)).contains("handed out 2 times");
    assertThat(f.cursor()).isEqualTo(StoredCursor.at(2));
    assertThat(f.stats().parked()).isEqualTo(1);
  }

  @Test
  void withAcksFromHolderOnlyAnotherConsumersAnswerIsRefused() {
    f.config = f.config.withAcksFromHolderOnly(true).withAckTimeoutMs(1_000);
    f.source.append(1);
    f.open();
    RecordingTarget a = new RecordingTarget();
    SubscriptionConsumer<String> ac = f.attach("a", 1, a);
    RecordingTarget b = new RecordingTarget();
    SubscriptionConsumer<String> bc = f.attach("b", 1, b);
    assertThat(a.keys()).containsExactly(0L);
    assertThat(f.ack(bc, 0)).isZero();
    f.scheduler.advance(1_000); // a's lock times out; the record goes to b (or a again)
    SubscriptionConsumer<String> holder = b.got.isEmpty() ? ac : bc;
    SubscriptionConsumer<String> late = holder == ac ? bc : ac;
    assertThat(f.ack(late, 0)).as("a late answer").isZero();
    assertThat(f.ack(holder, 0)).isEqualTo(1);
  }

  @Test
  void permitsBoundDeliveriesAndAcksGrantNone() {
    f.source.append(5);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach(ConsumerOptions.permits("c", 0), t);
    assertThat(t.got).isEmpty();
    f.run(() -> f.sub.addPermits(c, 2));
    assertThat(t.keys()).containsExactly(0L, 1L);
    f.ack(c, 0, 1);
    assertThat(t.got).hasSize(2);
    f.run(() -> f.sub.addPermits(c, 10));
    assertThat(t.got).hasSize(5);
    assertThat(c.permits()).isEqualTo(7);
  }

  @Test
  void aConsumersWindowBoundsWhatItHoldsUnanswered() {
    f.source.append(5);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 2, t);
    assertThat(t.keys()).containsExactly(0L, 1L);
    f.ack(c, 1);
    assertThat(t.keys()).containsExactly(0L, 1L, 2L);
    assertThat(c.held()).isEqualTo(2);
  }

  @Test
  void aLeavingConsumersWorkGoesToTheOthers() {
    f.source.append(3);
    f.open();
    RecordingTarget a = new RecordingTarget();
    SubscriptionConsumer<String> ac = f.attach("a", 10, a);
    RecordingTarget b = new RecordingTarget();
    f.attach("b", 10, b);
    f.ack(ac, 1);
    f.run(() -> f.sub.detach(ac));
    assertThat(b.keys()).containsExactly(0L, 2L);
    assertThat(f.stats().leased()).isEqualTo(2);
  }

  @Test
  void aConsumerBeyondMaxConsumersIsRefused() {
    f.config = f.config.withMaxConsumers(1);
    f.open();
    f.attach("a", 1, new RecordingTarget());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> f.attach("b", 1, new RecordingTarget()))
        .isInstanceOf(SubscriptionException.class)
        .extracting(e -> ((SubscriptionException) e).reason())
        .isEqualTo(SubscriptionException.Reason.TOO_MANY_CONSUMERS);
  }

  @Test
  void aLeavingConsumersWorkCountsAgainstTheLimitOnlyWhenConfiguredSo() {
    for (boolean park : new boolean[] {false, true}) {
      Fixture fx = new Fixture();
      fx.config = fx.config.withMaxDeliveries(1).withParkOnConsumerLoss(park);
      fx.source.append(1);
      fx.open();
      SubscriptionConsumer<String> c = fx.attach("crashes", 10, new RecordingTarget());
      fx.run(() -> fx.sub.detach(c));
      RecordingTarget next = new RecordingTarget();
      fx.attach("next", 10, next);
      assertThat(fx.sink.parked).as("parkOnConsumerLoss %s", park).hasSize(park ? 1 : 0);
      assertThat(next.got).hasSize(park ? 0 : 1);
    }
  }

  @Test
  void closingNeverParks() {
    f.config = f.config.withMaxDeliveries(1).withParkOnConsumerLoss(true);
    f.source.append(1);
    f.open();
    f.attach("c", 10, new RecordingTarget());
    f.call(() -> f.sub.close("shutdown"));
    assertThat(f.sink.parkCalls).isZero();
    assertThat(f.store.durable("t").markDelete()).isZero();
  }
}
