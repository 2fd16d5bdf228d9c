package io.watershed.core.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CursorStateTest {
  @Test
  void theCheckpointIsTheLowestPositionNotDone() {
    CursorState c = new CursorState(10);
    assertThat(c.checkpoint()).isEqualTo(10);
    c.handedOut(10);
    c.handedOut(12); // 11 is a gap in the source
    c.handedOut(13);
    assertThat(c.checkpoint()).isEqualTo(10);
    c.done(12);
    assertThat(c.checkpoint()).isEqualTo(10);
    assertThat(c.isDone(12)).isTrue();
    assertThat(c.isDone(13)).isFalse();
    c.done(10);
    assertThat(c.checkpoint()).isEqualTo(13);
    c.done(13);
    assertThat(c.checkpoint()).isEqualTo(14);
    assertThat(c.outstandingCount()).isZero();
  }

  @Test
  void theEncodedFormKeepsIndividualAcksAboveTheCheckpoint() {
    CursorState c = new CursorState(0);
    for (long p = 0; p < 6; p++) {
      c.handedOut(p);
    }
    c.done(0);
    c.done(2);
    c.done(5);
    CursorState restored = CursorState.decode(c.encode());
    assertThat(restored.checkpoint()).isEqualTo(1);
    assertThat(restored.isDone(0)).isTrue();
    assertThat(restored.isDone(1)).isFalse();
    assertThat(restored.isDone(2)).isTrue();
    assertThat(restored.isDone(3)).isFalse();
    assertThat(restored.isDone(5)).isTrue();
    // Reading again from the checkpoint: 1 is handed out, 2 passed over, 3 and 4 handed out.
    restored.handedOut(1);
    restored.done(2);
    restored.handedOut(3);
    restored.handedOut(4);
    restored.done(1);
    restored.done(3);
    restored.done(4);
    assertThat(restored.checkpoint()).isEqualTo(5);
    restored.done(5);
    assertThat(restored.checkpoint()).isEqualTo(6);
    assertThat(CursorState.decode(restored.encode()).checkpoint()).isEqualTo(6);
  }
}
