package io.watershed.eventstore;

import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.ResolvedEvent;
import io.watershed.core.stream.StreamReadResult;
import java.util.List;

/**
 * Where a read or subscription stands in a stream or in {@code $all}, and the next page from there.
 * Each page resumes exactly after the last entry of the previous one, so paging never skips or
 * repeats an entry, whatever is appended meanwhile.
 */
abstract class EventCursor {
  /** The next page of at most {@code max} entries; empty at the end; null if no such stream. */
  abstract List<ResolvedEvent> next(int max);

  /** A stream read from {@code revision} (inclusive), forwards or backwards. */
  static EventCursor stream(
      EventStore store, String stream, long revision, boolean forwards, boolean resolveLinks) {
    return new StreamCursor(store, stream, revision, forwards, resolveLinks);
  }

  /**
   * {@code $all} from {@code position}: forwards, the events at positions ≥ it; backwards, those
   * before it.
   */
  static EventCursor all(EventStore store, long position, boolean forwards, boolean resolveLinks) {
    return new AllCursor(store, position, forwards, resolveLinks);
  }

  private static final class StreamCursor extends EventCursor {
    private final EventStore store;
    private final String stream;
    private final boolean forwards;
    private final boolean resolveLinks;
    private long revision;
    private long lastRevision = -1;
    private boolean exhausted;

    StreamCursor(
        EventStore store, String stream, long revision, boolean forwards, boolean resolveLinks) {
      this.store = store;
      this.stream = stream;
      this.revision = revision;
      this.forwards = forwards;
      this.resolveLinks = resolveLinks;
    }

    @Override
    List<ResolvedEvent> next(int max) {
      if (exhausted) {
        return List.of();
      }
      StreamReadResult r = store.readStream(stream, revision, forwards, max, resolveLinks);
      if (r instanceof StreamReadResult.NotFound) {
        return null;
      }
      StreamReadResult.Events events = (StreamReadResult.Events) r;
      lastRevision = events.lastRevision();
      List<ResolvedEvent> page = events.events();
      if (!page.isEmpty()) {
        long last = page.get(page.size() - 1).original().revision();
        if (forwards) {
          revision = last + 1;
        } else if (last == 0) {
          exhausted = true;
        } else {
          revision = last - 1;
        }
      }
      return page;
    }

    /** The stream's last revision as the last page saw it (-1 before any page). */
    long lastRevision() {
      return lastRevision;
    }
  }

  private static final class AllCursor extends EventCursor {
    private final EventStore store;
    private final boolean forwards;
    private final boolean resolveLinks;
    private long position;

    AllCursor(EventStore store, long position, boolean forwards, boolean resolveLinks) {
      this.store = store;
      this.position = position;
      this.forwards = forwards;
      this.resolveLinks = resolveLinks;
    }

    @Override
    List<ResolvedEvent> next(int max) {
      if (!forwards && position <= 0) {
        return List.of();
      }
      List<ResolvedEvent> page = store.readAll(position, forwards, max, resolveLinks);
      if (!page.isEmpty()) {
        long last = page.get(page.size() - 1).position();
        position = forwards ? last + 1 : last;
      }
      return page;
    }
  }

  /** The stream's last revision a stream cursor's last page saw, or -1. */
  static long lastRevision(EventCursor c) {
    return c instanceof StreamCursor s ? s.lastRevision() : -1;
  }
}
