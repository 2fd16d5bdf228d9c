package io.watershed.core.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each dispatch policy over a subscription on a manual clock. */
class DispatchPolicyTest {
  final Fixture f = new Fixture();

  /** The key hash of a value "v<position>": its position mod {@code keys}. */
  static int keyOf(String value, int keys) {
    return Integer.parseInt(value.substring(1)) % keys;
  }

  @Test
  void roundRobinHandsWorkToEachConsumerInTurn() {
    f.open();
    List<RecordingTarget> ts =
        List.of(new RecordingTarget(), new RecordingTarget(), new RecordingTarget());
    for (int i = 0; i < 3; i++) {
      f.attach("c" + i, 10, ts.get(i));
    }
    f.append(6);
    assertThat(ts.get(0).keys()).containsExactly(0L, 3L);
    assertThat(ts.get(1).keys()).containsExactly(1L, 4L);
    assertThat(ts.get(2).keys()).containsExactly(2L, 5L);
  }

  @Test
  void singleFillsOneConsumerBeforeTheNext() {
    f.policy = new SingleDispatch();
    f.open();
    List<RecordingTarget> ts =
        List.of(new RecordingTarget(), new RecordingTarget(), new RecordingTarget());
    for (int i = 0; i < 3; i++) {
      f.attach("c" + i, 2, ts.get(i));
    }
    f.append(5);
    assertThat(ts.get(0).keys()).containsExactly(0L, 1L);
    assertThat(ts.get(1).keys()).containsExactly(2L, 3L);
    assertThat(ts.get(2).keys()).containsExactly(4L);
  }

  @Test
  void exclusiveRefusesASecondConsumer() {
    f.policy = new ExclusiveDispatch();
    f.open();
    f.attach("first", 10, new RecordingTarget());
    assertThatThrownBy(() -> f.attach("second", 10, new RecordingTarget()))
        .isInstanceOf(SubscriptionException.class)
        .extracting(e -> ((SubscriptionException) e).reason())
        .isEqualTo(SubscriptionException.Reason.CONSUMER_REFUSED);
  }

  @Test
  void failoverGivesEverythingToTheBestConsumerAndItsWorkToTheNextWhenItLeaves() {
    f.policy = new FailoverDispatch(-1);
    f.open();
    RecordingTarget b = new RecordingTarget();
    RecordingTarget a = new RecordingTarget();
    RecordingTarget z = new RecordingTarget();
    f.attach(new ConsumerOptions("b", 0, 10, Long.MAX_VALUE, List.of()), b);
    f.attach(new ConsumerOptions("a", 0, 10, Long.MAX_VALUE, List.of()), a);
    SubscriptionConsumer<String> zc =
        f.attach(new ConsumerOptions("z", -1, 10, Long.MAX_VALUE, List.of()), z);
    f.append(3);
    assertThat(z.keys()).as("the lowest priority level first").containsExactly(0L, 1L, 2L);
    f.ack(zc, 0);
    f.run(() -> f.sub.detach(zc));
    assertThat(a.keys()).as("then by name; with z's unacknowledged work").containsExactly(1L, 2L);
    assertThat(a.got).allSatisfy(d -> assertThat(d.deliveryCount()).isEqualTo(2));
    assertThat(b.got).isEmpty();
  }

  @Test
  void failoverSpreadsPartitionsOverTheConsumers() {
    FailoverDispatch p = new FailoverDispatch(4);
    f.policy = p;
    f.open();
    for (String n : List.of("c", "a", "b")) {
      f.attach(n, 10, new RecordingTarget());
    }
    assertThat(f.call(() -> p.activeOf(f.sub.consumers()).name())).isEqualTo("b"); // 4 mod 3
  }

  @Test
  void pinnedByKeyKeepsEachKeyOnOneConsumer() {
    f.policy = new PinnedByKeyDispatch();
    f.keyHash = v -> keyOf(v, 5);
    f.open();
    List<RecordingTarget> ts =
        List.of(new RecordingTarget(), new RecordingTarget(), new RecordingTarget());
    for (int i = 0; i < 3; i++) {
      f.attach("c" + i, 100, ts.get(i));
    }
    f.append(50);
    Map<Integer, Integer> consumerOfKey = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      for (Delivery<String> d : ts.get(i).got) {
        Integer before = consumerOfKey.put(keyOf(d.entry().value(), 5), i);
        assertThat(before == null || before == i).isTrue();
      }
      assertThat(ts.get(i).got).isNotEmpty();
    }
    assertThat(consumerOfKey).hasSize(5);
  }

  @Test
  void aKeyWhoseConsumerIsFullWaitsWhileOtherKeysGoOn() {
    f.policy = new PinnedByKeyDispatch();
    f.keyHash = v -> keyOf(v, 2);
    f.open();
    RecordingTarget even = new RecordingTarget();
    RecordingTarget odd = new RecordingTarget();
    SubscriptionConsumer<String> ec = f.attach("even", 1, even);
    f.attach("odd", 100, odd);
    f.append(6);
    assertThat(even.keys()).containsExactly(0L);
    assertThat(odd.keys()).containsExactly(1L, 3L, 5L);
    f.ack(ec, 0);
    assertThat(even.keys()).containsExactly(0L, 2L);
  }

  @Test
  void workOfAKeyWaitsForItsEarlierWorkWithAnotherConsumer() {
    f.policy = new PinnedByKeyDispatch();
    f.keyHash = v -> 1; // one key
    f.open();
    RecordingTarget first = new RecordingTarget();
    SubscriptionConsumer<String> fc = f.attach("first", 100, first);
    f.append(1);
    assertThat(first.keys()).containsExactly(0L);
    RecordingTarget second = new RecordingTarget();
    f.attach("second", 100, second); // the key now maps to "second" (1 mod 2)
    f.append(2);
    assertThat(second.got).as("not before the first has answered").isEmpty();
    assertThat(first.keys()).containsExactly(0L);
    f.ack(fc, 0);
    assertThat(second.keys()).containsExactly(1L, 2L);
  }

  @Test
  void keySharedAutoSplitKeepsEachKeyOnOneConsumerAndUsesThemAll() {
    f.policy = new KeySharedDispatch(KeySharedDispatch.Mode.AUTO_SPLIT);
    f.keyHash = v -> keyOf(v, 64) * 7919;
    f.config = f.config.withReadAhead(1_000);
    f.open();
    List<RecordingTarget> ts =
        List.of(new RecordingTarget(), new RecordingTarget(), new RecordingTarget());
    for (int i = 0; i < 3; i++) {
      f.attach("c" + i, 1_000, ts.get(i));
    }
    f.append(640);
    Map<Integer, Integer> consumerOfKey = new HashMap<>();
    int total = 0;
    for (int i = 0; i < 3; i++) {
      assertThat(ts.get(i).got).as("consumer %d used", i).isNotEmpty();
      for (Delivery<String> d : ts.get(i).got) {
        Integer before = consumerOfKey.put(keyOf(d.entry().value(), 64), i);
        assertThat(before == null || before == i).isTrue();
        total++;
      }
    }
    assertThat(total).isEqualTo(640);
  }

  @Test
  void keySharedStickyRangesMayNotOverlapAndUncoveredKeysWait() {
    f.policy = new KeySharedDispatch(KeySharedDispatch.Mode.STICKY);
    f.keyHash = v -> keyOf(v, 2) == 0 ? 100 : 40_000;
    f.open();
    RecordingTarget low = new RecordingTarget();
    f.attach(
        new ConsumerOptions("low", 0, 10, Long.MAX_VALUE, List.of(new HashRange(0, 999))), low);
    assertThatThrownBy(
            () ->
                f.attach(
                    new ConsumerOptions(
                        "overlap", 0, 10, Long.MAX_VALUE, List.of(new HashRange(500, 1_500))),
                    new RecordingTarget()))
        .isInstanceOf(SubscriptionException.class);
    f.append(4);
    assertThat(low.keys()).containsExactly(0L, 2L);
    RecordingTarget high = new RecordingTarget();
    f.attach(
        new ConsumerOptions("high", 0, 10, Long.MAX_VALUE, List.of(new HashRange(30_000, 65_535))),
        high);
    assertThat(high.keys()).containsExactly(1L, 3L);
  }

  @Test
  void autoSplitMovesFewKeysWhenAConsumerJoins() {
    KeySharedDispatch p = new KeySharedDispatch(KeySharedDispatch.Mode.AUTO_SPLIT);
    f.policy = p;
    f.open();
    for (int i = 0; i < 4; i++) {
      f.attach("c" + i, 10, new RecordingTarget());
    }
    Map<Integer, String> before = new HashMap<>();
    for (int slot = 0; slot < KeySharedDispatch.HASH_RANGE; slot += 16) {
      before.put(slot, p.owner(slot).name());
    }
    f.attach("c4", 10, new RecordingTarget());
    int moved = 0;
    Set<String> owners = new HashSet<>();
    for (var e : before.entrySet()) {
      String now = p.owner(e.getKey()).name();
      owners.add(now);
      if (!now.equals(e.getValue())) {
        assertThat(now).as("keys move only to the newcomer").isEqualTo("c4");
        moved++;
      }
    }
    assertThat(owners).hasSize(5);
    assertThat((double) moved / before.size()).isBetween(0.05, 0.40);
  }
}
