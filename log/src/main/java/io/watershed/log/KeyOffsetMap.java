package io.watershed.log;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Key → latest offset, for compaction, in fixed memory: each slot holds the 128-bit MD5 of a key
 * and an offset, with linear probing. Two distinct keys share a slot only if their MD5s collide,
 * which compaction accepts as Kafka's cleaner does.
 *
 * <p>Not thread-safe; one cleaner owns it and {@link #clear()}s it between partitions.
 */
final class KeyOffsetMap {
  private final long[] hashHi;
  private final long[] hashLo;
  private final long[] offsets;
  private final int mask;
  private final int maxEntries;
  private final MessageDigest md5;
  private final byte[] digest = new byte[16];
  private int size;

  /**
   * @param slots a power of two; the map is full at 90% of it
   */
  KeyOffsetMap(int slots) {
    if (Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two");
    }
    hashHi = new long[slots];
    hashLo = new long[slots];
    offsets = new long[slots];
    Arrays.fill(offsets, -1);
    mask = slots - 1;
    maxEntries = (int) (slots * 0.9);
    try {
      md5 = MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every JDK", e);
    }
  }

  boolean isFull() {
    return size >= maxEntries;
  }

  int size() {
    return size;
  }

  void clear() {
    Arrays.fill(offsets, -1);
    size = 0;
  }

  /** Records {@code offset} as the latest for {@code key} if it is later than the one held. */
  void put(ByteBuffer key, long offset) {
    hash(key);
    long hi = ByteBuffer.wrap(digest).getLong(0);
    long lo = ByteBuffer.wrap(digest).getLong(8);
    int slot = (int) (lo & mask);
    while (true) {
      if (offsets[slot] < 0) {
        hashHi[slot] = hi;
        hashLo[slot] = lo;
        offsets[slot] = offset;
        size++;
        return;
      }
      if (hashHi[slot] == hi && hashLo[slot] == lo) {
        offsets[slot] = Math.max(offsets[slot], offset);
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The latest offset recorded for {@code key}, or -1. */
  long get(ByteBuffer key) {
    hash(key);
    long hi = ByteBuffer.wrap(digest).getLong(0);
    long lo = ByteBuffer.wrap(digest).getLong(8);
    int slot = (int) (lo & mask);
    while (offsets[slot] >= 0) {
      if (hashHi[slot] == hi && hashLo[slot] == lo) {
        return offsets[slot];
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  private void hash(ByteBuffer key) {
    md5.reset();
    md5.update(key.duplicate());
    try {
      md5.digest(digest, 0, 16);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
  }
}
