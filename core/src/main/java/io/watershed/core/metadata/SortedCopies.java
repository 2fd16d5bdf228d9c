package io.watershed.core.metadata;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Unmodifiable copies that iterate in natural order. Metadata uses them everywhere a collection is
 * stored, so that iteration order, and therefore anything derived from it (serialised bytes, the
 * order listeners see), is the same on every node and every replay.
 */
final class SortedCopies {

  private SortedCopies() {}

  /** Copies {@code map}, rejecting null keys and values. */
  static <V> SortedMap<String, V> map(Map<String, V> map) {
    Objects.requireNonNull(map, "map");
    TreeMap<String, V> copy = new TreeMap<>();
    map.forEach(
        (key, value) ->
            copy.put(
                Objects.requireNonNull(key, "null key"),
                Objects.requireNonNull(value, () -> "null value for key " + key)));
    return Collections.unmodifiableSortedMap(copy);
  }

  /** Copies {@code set}, rejecting null elements. */
  static SortedSet<String> set(Set<String> set) {
    Objects.requireNonNull(set, "set");
    TreeSet<String> copy = new TreeSet<>();
    for (String element : set) {
      copy.add(Objects.requireNonNull(element, "null element"));
    }
    return Collections.unmodifiableSortedSet(copy);
  }
}
