package io.watershed.core.coordinator;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A namespace's state for the runtime's tests: string keys to string values, with the operations
 * the tests run (put, remove, add to a counter) as write handlers, and an immutable view published
 * at each commit.
 */
final class KeyValueShard implements CoordinatorShard {
  final int shard;
  final TreeMap<String, String> values = new TreeMap<>();
  volatile SortedMap<String, String> published = Collections.emptySortedMap();
  int replayed;
  int commits;

  /** Replaying this value throws, as a codec bug would. */
  static final String POISON = "poison";

  KeyValueShard(int shard) {
    this.shard = shard;
  }

  @Override
  public void replay(byte[] key, byte[] value) {
    if (value != null && new String(value, StandardCharsets.UTF_8).equals(POISON)) {
      throw new IllegalArgumentException("cannot decode " + POISON);
    }
    replayed++;
    String k = new String(key, StandardCharsets.UTF_8);
    if (value == null) {
      values.remove(k);
    } else {
      values.put(k, new String(value, StandardCharsets.UTF_8));
    }
  }

  @Override
  public void committed() {
    commits++;
    published = Collections.unmodifiableSortedMap(new TreeMap<>(values));
  }

  static CoordinatorRecord record(String key, String value) {
    return new CoordinatorRecord(
        key.getBytes(StandardCharsets.UTF_8),
        value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  /** Sets {@code key}; answers the value it had. */
  static WriteOperation<KeyValueShard, String> put(String key, String value) {
    return s -> CoordinatorResult.of(List.of(record(key, value)), s.values.get(key));
  }

  static WriteOperation<KeyValueShard, String> remove(String key) {
    return s ->
        s.values.containsKey(key)
            ? CoordinatorResult.of(List.of(record(key, null)), s.values.get(key))
            : CoordinatorResult.of(null);
  }

  /** Adds {@code delta} to the number under {@code key}; answers the new number. */
  static WriteOperation<KeyValueShard, Long> add(String key, long delta) {
    return s -> {
      long next = Long.parseLong(s.values.getOrDefault(key, "0")) + delta;
      return CoordinatorResult.of(List.of(record(key, Long.toString(next))), next);
    };
  }

  static ReadOperation<KeyValueShard, SortedMap<String, String>> snapshot() {
    return s -> Collections.unmodifiableSortedMap(new TreeMap<>(s.values));
  }
}
