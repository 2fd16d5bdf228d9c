package io.watershed.core.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class CursorCodecTest {
  @Test
  void aCursorSurvivesItsBinaryForm() {
    TreeMap<Long, Integer> counts = new TreeMap<>();
    counts.put(10L, 3);
    counts.put(14L, 1);
    StoredCursor c =
        new StoredCursor(
            10, List.of(new PositionRange(11, 14), new PositionRange(15, 1_000_000)), counts);
    byte[] bytes = CursorCodec.encode(c);
    assertThat(bytes).hasSize(17 + 2 * 16 + 2 * 12);
    assertThat(CursorCodec.decode(bytes)).isEqualTo(c);
  }

  @Test
  void version1CheckpointsOfEventStoreGroupsAreRead() {
    // checkpoint 5; positions 7, 8, 9 and 12 done above it
    ByteBuffer b = ByteBuffer.allocate(13 + 4 * 8).put((byte) 1).putLong(5).putInt(4);
    b.putLong(7).putLong(8).putLong(9).putLong(12);
    StoredCursor c = CursorCodec.decode(b.array());
    assertThat(c.markDelete()).isEqualTo(5);
    assertThat(c.done()).containsExactly(new PositionRange(7, 10), new PositionRange(12, 13));
    assertThat(c.deliveryCounts()).isEmpty();
  }

  @Test
  void whatIsNotACursorIsRefused() {
    assertThatThrownBy(() -> CursorCodec.decode(new byte[] {9}))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] good = CursorCodec.encode(StoredCursor.at(3));
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 1);
    assertThatThrownBy(() -> CursorCodec.decode(cut)).isInstanceOf(IllegalArgumentException.class);
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> CursorCodec.decode(longer))
        .isInstanceOf(IllegalArgumentException.class);
    ByteBuffer unordered = ByteBuffer.allocate(17 + 32).put((byte) 2).putLong(0).putInt(2);
    unordered.putLong(10).putLong(12).putLong(5).putLong(6).putInt(0);
    assertThatThrownBy(() -> CursorCodec.decode(unordered.array()))
        .isInstanceOf(IllegalArgumentException.class);
    ByteBuffer huge = ByteBuffer.allocate(17).put((byte) 2).putLong(0).putInt(1 << 30).putInt(0);
    assertThatThrownBy(() -> CursorCodec.decode(huge.array()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
