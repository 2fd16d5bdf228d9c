package io.watershed.core.stream;

import io.watershed.core.subscription.Entry;
import io.watershed.core.subscription.SourcePage;
import io.watershed.core.subscription.SubscriptionSource;
import java.util.ArrayList;
import java.util.List;

/**
 * A persistent subscription group's source: a stream, whose positions are revisions (of the links,
 * for a projection stream), or {@code $all}, whose positions are {@code $all} positions; events the
 * group's filter leaves out are passed over, not work.
 */
final class PersistentSubscriptionsSource implements SubscriptionSource<ResolvedEvent> {
  private final EventStore store;
  private final String stream;
  private volatile boolean resolveLinks;
  private volatile EventFilter filter;

  PersistentSubscriptionsSource(EventStore store, String stream, PersistentSubscriptionSettings s) {
    this.store = store;
    this.stream = stream;
    settings(s);
  }

  /** Reads from now on as {@code s} says (an update may change whether links are resolved). */
  void settings(PersistentSubscriptionSettings s) {
    this.resolveLinks = s.resolveLinks();
    this.filter = s.filter();
  }

  @Override
  public SourcePage<ResolvedEvent> read(long from, int maxEntries) {
    boolean all = stream.equals(PersistentSubscriptions.ALL);
    boolean resolveLinks = this.resolveLinks;
    EventFilter filter = this.filter;
    List<ResolvedEvent> read;
    if (all) {
      read = store.readAll(from, true, maxEntries, resolveLinks);
    } else {
      try {
        read =
            switch (store.readStream(stream, from, true, maxEntries, resolveLinks)) {
              case StreamReadResult.Events ev -> ev.events();
              case StreamReadResult.NotFound nf -> List.of();
            };
      } catch (StreamDeletedException e) {
        read = List.of();
      }
    }
    List<Entry<ResolvedEvent>> entries = new ArrayList<>(read.size());
    long next = from;
    for (ResolvedEvent e : read) {
      long position = all ? e.position() : e.original().revision();
      next = Math.max(next, position + 1);
      if (filter == null || filter.test(e.event())) {
        entries.add(new Entry<>(position, e, e.size()));
      }
    }
    return new SourcePage<>(entries, next, read.size() < maxEntries);
  }
}
