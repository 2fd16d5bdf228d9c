package io.watershed.core.subscription;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Work split by key hash over the consumers, each taking the hashes of its ranges, so that one key
 * is handled by one consumer at a time and in order (Pulsar's Key_Shared). The hash space is {@code
 * [0, HASH_RANGE)}; a work's slot is its key hash mod {@link #HASH_RANGE}.
 *
 * <ul>
 *   <li>{@link Mode#AUTO_SPLIT}: the space is split by consistent hashing, {@value #POINTS} points
 *       per consumer on a ring, so a consumer joining or leaving moves about 1/n of the keys.
 *   <li>{@link Mode#STICKY}: each consumer names its ranges ({@link ConsumerOptions#hashRanges});
 *       one whose ranges overlap another's is refused, and work of a slot nobody holds waits.
 * </ul>
 *
 * A subscription also holds back work of a key while earlier work of that key is held by another
 * consumer (after the ranges moved), so order per key survives consumers coming and going.
 */
public final class KeySharedDispatch implements DispatchPolicy {
  /** The size of the hash space, as in Pulsar. */
  public static final int HASH_RANGE = 1 << 16;

  /** Points per consumer on the consistent-hashing ring. */
  static final int POINTS = 100;

  /** How the hash space is split. */
  public enum Mode {
    AUTO_SPLIT,
    STICKY
  }

  private final Mode mode;

  /** AUTO_SPLIT: ring point → consumer; STICKY: range start → consumer, with {@link #ends}. */
  private final TreeMap<Integer, SubscriptionConsumer<?>> owners = new TreeMap<>();

  /** STICKY: range start → range end (inclusive). */
  private final TreeMap<Integer, Integer> ends = new TreeMap<>();

  public KeySharedDispatch(Mode mode) {
    this.mode = mode;
  }

  /** The slot of a key hash. */
  public static int slot(int keyHash) {
    return Math.floorMod(keyHash, HASH_RANGE);
  }

  @Override
  public <E> SubscriptionConsumer<E> choose(int keyHash, List<SubscriptionConsumer<E>> consumers) {
    SubscriptionConsumer<E> c = owner(slot(keyHash));
    return c != null && c.canTake() ? c : null;
  }

  /** The consumer whose ranges hold {@code slot}, or null. */
  @SuppressWarnings("unchecked")
  <E> SubscriptionConsumer<E> owner(int slot) {
    if (owners.isEmpty()) {
      return null;
    }
    if (mode == Mode.AUTO_SPLIT) {
      Map.Entry<Integer, SubscriptionConsumer<?>> e = owners.ceilingEntry(slot);
      return (SubscriptionConsumer<E>) (e != null ? e : owners.firstEntry()).getValue();
    }
    Map.Entry<Integer, Integer> range = ends.floorEntry(slot);
    return range == null || range.getValue() < slot
        ? null
        : (SubscriptionConsumer<E>) owners.get(range.getKey());
  }

  @Override
  public boolean keyed() {
    return true;
  }

  @Override
  public <E> void admit(List<SubscriptionConsumer<E>> current, SubscriptionConsumer<E> joining) {
    if (mode == Mode.AUTO_SPLIT) {
      return;
    }
    List<HashRange> mine = joining.options().hashRanges();
    if (mine.isEmpty()) {
      throw refused(joining.name() + " names no hash range");
    }
    for (int i = 0; i < mine.size(); i++) {
      for (int j = i + 1; j < mine.size(); j++) {
        if (mine.get(i).overlaps(mine.get(j))) {
          throw refused(joining.name() + "'s hash ranges overlap each other");
        }
      }
      for (SubscriptionConsumer<E> other : current) {
        for (HashRange theirs : other.options().hashRanges()) {
          if (mine.get(i).overlaps(theirs)) {
            throw refused(
                "hash range " + mine.get(i) + " overlaps " + theirs + " of " + other.name());
          }
        }
      }
    }
  }

  private static SubscriptionException refused(String why) {
    return new SubscriptionException(SubscriptionException.Reason.CONSUMER_REFUSED, why);
  }

  @Override
  public <E> void consumersChanged(List<SubscriptionConsumer<E>> consumers) {
    owners.clear();
    ends.clear();
    for (SubscriptionConsumer<E> c : consumers) {
      if (mode == Mode.AUTO_SPLIT) {
        for (int i = 0; i < POINTS; i++) {
          // The first consumer to claim a point keeps it: deterministic for a given join order.
          owners.putIfAbsent(point(c.name(), c.id(), i), c);
        }
      } else {
        for (HashRange r : c.options().hashRanges()) {
          owners.put(r.start(), c);
          ends.put(r.start(), r.end());
        }
      }
    }
  }

  /**
   * A ring point of consumer {@code (name, id)}: a 32-bit mix (murmur3's finaliser) into a slot.
   */
  static int point(String name, long id, int i) {
    int h = name.hashCode() * 31 + Long.hashCode(id);
    h = h * 31 + i;
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return slot(h);
  }
}
