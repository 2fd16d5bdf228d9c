package io.watershed.core.subscription;

import java.util.HashMap;
import java.util.Map;

/**
 * For keyed dispatch: which consumer holds leased work of each key hash, and how much. Work of a
 * key may go only to the consumer already holding work of that key (or to any, when none does), so
 * that when consumers come and go and a key's owner changes, its new owner gets nothing of it until
 * the old one has answered: order per key holds (Pulsar's Key_Shared guarantee). Bounded by the
 * leased work.
 */
final class KeyHolds {
  private static final class Hold {
    final Object consumer;
    int count;

    Hold(Object consumer) {
      this.consumer = consumer;
    }
  }

  private final Map<Integer, Hold> holds = new HashMap<>();

  boolean mayTake(int keyHash, Object consumer) {
    Hold h = holds.get(keyHash);
    return h == null || h.consumer == consumer;
  }

  void leased(int keyHash, Object consumer) {
    holds.computeIfAbsent(keyHash, k -> new Hold(consumer)).count++;
  }

  void ended(int keyHash) {
    Hold h = holds.get(keyHash);
    if (h != null && --h.count == 0) {
      holds.remove(keyHash);
    }
  }

  void clear() {
    holds.clear();
  }
}
