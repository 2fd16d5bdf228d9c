package io.watershed.core.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** When the cursor is written, and that it is reported written only once it is. */
class CheckpointTest {
  final Fixture f = new Fixture();

  private SubscriptionConsumer<String> consumeFive(RecordingTarget t) {
    f.source.append(5);
    f.open();
    return f.attach("c", 10, t);
  }

  @Test
  void writtenOnceMinDoneAreDoneAndTheIntervalHasPassed() {
    f.config = f.config.withCheckpoint(new CheckpointPolicy(2, 100, 1_000, 100, 1_000));
    SubscriptionConsumer<String> c = consumeFive(new RecordingTarget());
    f.ack(c, 0);
    f.scheduler.advance(5_000);
    assertThat(f.store.attempts).as("one done is fewer than min").isEmpty();
    f.ack(c, 1);
    assertThat(f.store.attempts).as("the interval passed already").hasSize(1);
    f.ack(c, 2, 3);
    f.scheduler.advance(999);
    assertThat(f.store.attempts).hasSize(1);
    f.scheduler.advance(1);
    assertThat(f.store.attempts).hasSize(2);
    assertThat(f.store.durable("t").markDelete()).isEqualTo(4);
  }

  @Test
  void writtenAtOnceAfterMaxDone() {
    f.config = f.config.withCheckpoint(new CheckpointPolicy(1, 3, 60_000, 100, 1_000));
    SubscriptionConsumer<String> c = consumeFive(new RecordingTarget());
    f.scheduler.advance(1); // the last write (creation) was just now
    f.ack(c, 0, 1);
    assertThat(f.store.attempts).isEmpty();
    f.ack(c, 2);
    assertThat(f.store.attempts).hasSize(1);
  }

  @Test
  void aFailedWriteIsNotReportedWrittenAndIsTriedAgainUntilItSucceeds() {
    f.config = f.config.withCheckpoint(new CheckpointPolicy(1, 1, 0, 100, 400));
    SubscriptionConsumer<String> c = consumeFive(new RecordingTarget());
    f.store.fail = true;
    f.ack(c, 0, 1, 2);
    assertThat(f.store.attempts).hasSize(1);
    SubscriptionStats s = f.stats();
    assertThat(s.lastCheckpointed()).as("what was written at the start").isZero();
    assertThat(s.checkpointFailures()).isEqualTo(1);
    assertThat(s.lastCheckpointError()).contains("disk full");
    f.scheduler.advance(100);
    assertThat(f.store.attempts).hasSize(2);
    f.scheduler.advance(199);
    assertThat(f.store.attempts).as("the delay doubles").hasSize(2);
    f.scheduler.advance(1);
    assertThat(f.store.attempts).hasSize(3);
    f.scheduler.advance(400);
    assertThat(f.store.attempts).as("up to its cap").hasSize(4);
    f.store.fail = false;
    f.scheduler.advance(400);
    assertThat(f.stats().lastCheckpointed()).isEqualTo(3);
    assertThat(f.store.durable("t").markDelete()).isEqualTo(3);
    f.scheduler.advance(10_000);
    assertThat(f.store.attempts).as("nothing more to write").hasSize(5);
  }

  @Test
  void oneWriteAtATimeAndTheNextCarriesTheLatestCursor() {
    SubscriptionConsumer<String> c = consumeFive(new RecordingTarget());
    f.store.hold = true;
    f.ack(c, 0);
    f.ack(c, 1);
    f.ack(c, 2);
    assertThat(f.store.attempts).hasSize(1);
    assertThat(f.stats().lastCheckpointed()).as("in flight is not written").isZero();
    f.run(f.store::release);
    assertThat(f.store.attempts).hasSize(2);
    assertThat(f.store.durable("t").markDelete()).isEqualTo(3);
  }

  @Test
  void closingWritesTheCursorAndSaysWhenItIsDurable() {
    f.config = f.config.withCheckpoint(new CheckpointPolicy(100, 100, 60_000, 100, 1_000));
    SubscriptionConsumer<String> c = consumeFive(new RecordingTarget());
    f.ack(c, 0, 1);
    f.store.hold = true;
    CompletableFuture<Void> closed = f.call(() -> f.sub.close("bye"));
    assertThat(closed).isNotDone();
    f.run(f.store::release);
    assertThat(closed).isCompleted();
    assertThat(f.store.durable("t").markDelete()).isEqualTo(2);
  }

  @Test
  void closingReportsAFailedWrite() {
    f.config = f.config.withCheckpoint(new CheckpointPolicy(100, 100, 60_000, 100, 1_000));
    SubscriptionConsumer<String> c = consumeFive(new RecordingTarget());
    f.ack(c, 0);
    f.store.fail = true;
    CompletableFuture<Void> closed = f.call(() -> f.sub.close("bye"));
    assertThat(closed).isCompletedExceptionally();
  }
}
