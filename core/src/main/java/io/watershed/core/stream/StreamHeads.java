package io.watershed.core.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The heads of streams as the {@link StreamIndex} knows them (id, last revision, tombstone), with
 * the heads the indexer wrote lately kept in memory so that appends and reads of busy streams do
 * not ask the index. A head here is never ahead of the index: the indexer puts heads in only after
 * the index committed them.
 *
 * <p>Thread-safety: any thread reads; only the event store's indexing thread (or the opening thread
 * before anything else runs) calls {@link #indexed(Map)}.
 */
final class StreamHeads {
  /** Most streams whose heads (and, in the reader, metadata) are kept in memory. */
  static final int MAX_CACHED_STREAMS = 1 << 18;

  /** A stream as the index knows it; {@code id} -1 when the index has never seen it. */
  record Head(long id, long lastRevision, boolean tombstoned) {
    static final Head ABSENT = new Head(-1, -1, false);
  }

  private final StreamIndex index;

  /** Heads of streams the indexer wrote lately; written only by the indexing thread. */
  private final Map<String, Head> recent = new ConcurrentHashMap<>();

  StreamHeads(StreamIndex index) {
    this.index = index;
  }

  /**
   * The head of {@code stream} as indexed, {@link Head#ABSENT} when the index has never seen it.
   */
  Head head(String stream) {
    Head h = recent.get(stream);
    if (h != null) {
      return h;
    }
    StreamIndex.StreamEntry e = index.stream(stream);
    return e == null ? Head.ABSENT : new Head(e.id(), e.lastRevision(), e.tombstoned());
  }

  /** On the indexing thread, once the index committed them: the new heads of these streams. */
  void indexed(Map<String, Head> heads) {
    if (recent.size() + heads.size() > MAX_CACHED_STREAMS) {
      recent.clear();
    }
    recent.putAll(heads);
  }
}
