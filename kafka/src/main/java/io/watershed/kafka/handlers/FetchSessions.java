package io.watershed.kafka.handlers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.requests.FetchMetadata;

/**
 * Incremental fetch sessions (KIP-227): a consumer of many partitions names them once; later
 * fetches only carry changes, and responses only carry partitions with news (records, a moved high
 * watermark or log start offset, an error).
 *
 * <p>At most {@link #MAX_SESSIONS} sessions are kept (Kafka:
 * max.incremental.fetch.session.cache.slots); when full, the least recently used one is evicted and
 * its client falls back to a full fetch (FETCH_SESSION_ID_NOT_FOUND). Thread-safe.
 */
final class FetchSessions {
  static final int MAX_SESSIONS = 1000;

  /** What the session remembers of one partition. */
  static final class CachedPartition {
    final TopicIdPartition key;
    long fetchOffset;
    int maxBytes;
    long highWatermark = -1;
    long logStartOffset = -1;

    CachedPartition(TopicIdPartition key, long fetchOffset, int maxBytes) {
      this.key = key;
      this.fetchOffset = fetchOffset;
      this.maxBytes = maxBytes;
    }
  }

  /** One session; callers synchronize on it while they use it. */
  static final class Session {
    final int id;
    int nextEpoch = 1;
    final LinkedHashMap<TopicIdPartition, CachedPartition> partitions = new LinkedHashMap<>();

    Session(int id) {
      this.id = id;
    }
  }

  private final LinkedHashMap<Integer, Session> sessions = new LinkedHashMap<>(64, 0.75f, true);

  /** Starts a session; evicts the least recently used one when the cache is full. */
  synchronized Session create() {
    if (sessions.size() >= MAX_SESSIONS) {
      Integer eldest = sessions.keySet().iterator().next();
      sessions.remove(eldest);
    }
    int id;
    do {
      id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
    } while (sessions.containsKey(id));
    Session s = new Session(id);
    sessions.put(id, s);
    return s;
  }

  /** The session, or null when unknown (expired or evicted). */
  synchronized Session get(int id) {
    return sessions.get(id);
  }

  synchronized void remove(int id) {
    sessions.remove(id);
  }

  synchronized int size() {
    return sessions.size();
  }

  static int nextEpoch(int epoch) {
    return FetchMetadata.nextEpoch(epoch);
  }

  static Map<TopicIdPartition, CachedPartition> copy(Session s) {
    return new LinkedHashMap<>(s.partitions);
  }
}
