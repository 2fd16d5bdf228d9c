package io.watershed.log;

/**
 * An append-only sorted list of (key, value) pairs, for the sparse offset index (relative offset →
 * file position) and the sparse time index (timestamp → relative offset).
 *
 * <p>Threading: one writer (the partition's writer, or the loader before publication) appends; any
 * number of readers search concurrently without locks. The writer stores an entry, publishes a
 * grown array (if it grew) and only then the new count, both through volatile fields; readers read
 * the count first and the array second, so every entry below the count they saw is visible.
 *
 * <p>Invariant: keys are non-decreasing in entry order.
 */
final class SparseIndex {
  private volatile long[] pairs;
  private volatile int count;

  SparseIndex() {
    this(8);
  }

  SparseIndex(int initialCapacity) {
    pairs = new long[Math.max(2, initialCapacity) * 2];
  }

  /** Appends an entry. Writer thread only; {@code key} must not be below the last key. */
  void append(long key, long value) {
    int n = count;
    long[] a = pairs;
    if (n > 0 && key < a[(n - 1) * 2]) {
      throw new IllegalStateException("index keys must not decrease: " + key);
    }
    if (n * 2 == a.length) {
      long[] grown = new long[a.length * 2];
      System.arraycopy(a, 0, grown, 0, a.length);
      grown[n * 2] = key;
      grown[n * 2 + 1] = value;
      pairs = grown;
    } else {
      a[n * 2] = key;
      a[n * 2 + 1] = value;
    }
    count = n + 1;
  }

  int count() {
    return count;
  }

  long key(int i) {
    return pairs[i * 2];
  }

  long value(int i) {
    return pairs[i * 2 + 1];
  }

  long lastKey() {
    int n = count;
    return n == 0 ? Long.MIN_VALUE : pairs[(n - 1) * 2];
  }

  /**
   * Index of the last entry whose key is at most {@code key} (or strictly below it when {@code
   * strict}), or -1 when there is none.
   */
  int floor(long key, boolean strict) {
    int n = count;
    long[] a = pairs;
    int lo = 0;
    int hi = n - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long k = a[mid * 2];
      if (strict ? k < key : k <= key) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops every entry whose value is at or past {@code value}; loader or writer thread only. */
  void truncateValuesFrom(long value) {
    int n = count;
    while (n > 0 && pairs[(n - 1) * 2 + 1] >= value) {
      n--;
    }
    count = n;
  }

  /** Drops every entry whose key is at or past {@code key}; loader or writer thread only. */
  void truncateKeysFrom(long key) {
    int n = count;
    while (n > 0 && pairs[(n - 1) * 2] >= key) {
      n--;
    }
    count = n;
  }
}
