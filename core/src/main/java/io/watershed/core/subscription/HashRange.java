package io.watershed.core.subscription;

/**
 * A range of key hashes, both ends included, within {@code [0, KeySharedDispatch.HASH_RANGE)}: what
 * a key-shared consumer with sticky ranges takes.
 */
public record HashRange(int start, int end) {
  public HashRange {
    if (start < 0 || end < start || end >= KeySharedDispatch.HASH_RANGE) {
      throw new IllegalArgumentException("not a hash range: [" + start + ", " + end + "]");
    }
  }

  public boolean contains(int hash) {
    return hash >= start && hash <= end;
  }

  public boolean overlaps(HashRange o) {
    return start <= o.end && o.start <= end;
  }
}
