package io.watershed.core.coordinator;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One record a namespace writes to its shard: a key, unique within the namespace, and the latest
 * value for it. Compaction keeps only the latest record of each key, so a key must name one piece
 * of state whole (a stream's entry, one committed offset), never a delta.
 *
 * <p>The bytes are the namespace's own (its codec); the runtime prefixes the key with the namespace
 * when it writes ({@link CoordinatorRecords}). Both arrays are owned by the record once built:
 * neither the handler nor the runtime changes them afterwards.
 *
 * @param key the namespace's key, 1 to {@link CoordinatorRecords#MAX_KEY_BYTES} bytes
 * @param value the state for the key, or null for a tombstone (the key's state is removed)
 */
public record CoordinatorRecord(byte[] key, byte[] value) {
  public CoordinatorRecord {
    Objects.requireNonNull(key, "key");
    if (key.length == 0 || key.length > CoordinatorRecords.MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "a coordinator record key has 1 to "
              + CoordinatorRecords.MAX_KEY_BYTES
              + " bytes, not "
              + key.length);
    }
  }

  /** The record that removes {@code key}'s state. */
  public static CoordinatorRecord tombstone(byte[] key) {
    return new CoordinatorRecord(key, null);
  }

  public boolean isTombstone() {
    return value == null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CoordinatorRecord r
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "CoordinatorRecord["
        + HexFormat.of().formatHex(key)
        + (value == null ? " tombstone" : " " + value.length + " bytes")
        + "]";
  }
}
