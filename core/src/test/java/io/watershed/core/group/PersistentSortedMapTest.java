package io.watershed.core.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class PersistentSortedMapTest {

  /** An insertion ({@code remove == false}) or a removal of a key. */
  record Op(boolean remove, int key, String value) {}

  @Property(tries = 200)
  void behavesLikeATreeMapAndNeverChangesEarlierVersions(@ForAll("operations") List<Op> ops) {
    TreeMap<Integer, String> model = new TreeMap<>();
    PersistentSortedMap<Integer, String> map = PersistentSortedMap.empty();
    List<PersistentSortedMap<Integer, String>> versions = new ArrayList<>();
    List<Map<Integer, String>> expected = new ArrayList<>();
    for (Op op : ops) {
      if (op.remove()) {
        model.remove(op.key());
        map = map.without(op.key());
      } else {
        model.put(op.key(), op.value());
        map = map.with(op.key(), op.value());
      }
      versions.add(map);
      expected.add(new TreeMap<>(model));
    }
    for (int i = 0; i < versions.size(); i++) {
      assertThat(asMap(versions.get(i))).containsExactlyEntriesOf(expected.get(i));
      assertThat(versions.get(i).size()).isEqualTo(expected.get(i).size());
    }
    for (int key = -5; key < 60; key++) {
      assertThat(map.get(key)).isEqualTo(model.get(key));
    }
  }

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Op> op =
        net.jqwik.api.Combinators.combine(
                Arbitraries.of(true, false, false),
                Arbitraries.integers().between(0, 50),
                Arbitraries.strings().alpha().ofLength(2))
            .as(Op::new);
    return op.list().ofMaxSize(200);
  }

  @Test
  void staysShallowWhenKeysArriveInOrder() {
    PersistentSortedMap<Integer, Integer> map = PersistentSortedMap.empty();
    for (int i = 0; i < 100_000; i++) {
      map = map.with(i, i);
    }
    // An AVL tree of n keys is at most 1.44 log2(n) deep; a plain tree would be 100,000 deep and
    // overflow the stack in get().
    assertThat(map.get(99_999)).isEqualTo(99_999);
    assertThat(map.size()).isEqualTo(100_000);
    for (int i = 0; i < 100_000; i += 2) {
      map = map.without(i);
    }
    assertThat(map.keys()).hasSize(50_000).startsWith(1, 3, 5);
  }

  @Test
  void equalMapsAreEqualWhateverTheirHistory() {
    PersistentSortedMap<String, Integer> a =
        PersistentSortedMap.<String, Integer>empty().with("x", 1).with("y", 2);
    PersistentSortedMap<String, Integer> b =
        PersistentSortedMap.<String, Integer>empty().with("y", 2).with("z", 3).with("x", 1);

    assertThat(b.without("z")).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a.without("absent")).isSameAs(a);
    assertThat(a).hasToString("{x=1, y=2}");
  }

  private static <K extends Comparable<? super K>, V> Map<K, V> asMap(
      PersistentSortedMap<K, V> map) {
    Map<K, V> out = new java.util.LinkedHashMap<>();
    map.forEach(out::put);
    return out;
  }
}
