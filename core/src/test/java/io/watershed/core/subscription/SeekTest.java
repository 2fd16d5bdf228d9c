package io.watershed.core.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Moving a subscription's cursor to a position or a time. */
class SeekTest {
  final Fixture f = new Fixture();

  @Test
  void aSeekForgetsWhatWasHeldDropsConsumersAndDeliversFromThePosition() {
    f.source.append(10);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 3, t);
    f.ack(c, 0);
    f.run(() -> f.sub.seek(7));
    assertThat(t.closed).contains("reset to position 7");
    assertThat(f.store.durable("t")).as("written at once").isEqualTo(StoredCursor.at(7));
    assertThat(f.ack(c, 1)).as("an answer from before the seek").isZero();
    RecordingTarget after = new RecordingTarget();
    f.attach("c", 10, after);
    assertThat(after.keys()).containsExactly(7L, 8L, 9L);
    assertThat(after.got).allSatisfy(d -> assertThat(d.deliveryCount()).isEqualTo(1));
  }

  @Test
  void aSeekBackDeliversAgainWhatWasDone() {
    f.source.append(4);
    f.open();
    RecordingTarget t = new RecordingTarget();
    SubscriptionConsumer<String> c = f.attach("c", 10, t);
    f.ack(c, t.takeKeys());
    f.run(() -> f.sub.seek(1));
    RecordingTarget after = new RecordingTarget();
    f.attach("c", 10, after);
    assertThat(after.keys()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aSeekToATimeGoesToTheFirstEntryWrittenThen() {
    f.source.append(3, 1_000).append(3, 2_000).append(3, 3_000);
    f.open();
    f.run(() -> f.sub.seekToTime(2_000));
    RecordingTarget t = new RecordingTarget();
    f.attach("c", 10, t);
    assertThat(t.keys()).containsExactly(3L, 4L, 5L, 6L, 7L, 8L);
  }

  @Test
  void aSourceWithoutTimeCannotSeekByTime() {
    SubscriptionSource<String> timeless =
        (from, max) -> new SourcePage<>(java.util.List.of(), from, true);
    f.open();
    Subscription<String> s =
        f.call(() -> Subscription.builder("x", timeless, f.scheduler, f.store).open());
    assertThatThrownBy(() -> f.run(() -> s.seekToTime(1)))
        .isInstanceOf(SubscriptionException.class)
        .extracting(e -> ((SubscriptionException) e).reason())
        .isEqualTo(SubscriptionException.Reason.UNSUPPORTED);
  }
}
