package io.watershed.eventstore;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Who waits for news of which stream: the door's one listener on the store, which on every burst of
 * indexed appends wakes the subscriptions to {@code $all} and those to the streams that moved, and
 * no others. So a thousand subscriptions to quiet streams cost nothing while one stream is busy.
 *
 * <p>Runs on the store's indexing thread: it only looks up and wakes (a wake-up schedules work on
 * the request executor), never reads.
 */
final class StreamWatchers implements Consumer<Set<String>> {
  private final Set<Runnable> all = ConcurrentHashMap.newKeySet();
  private final Map<String, Set<Runnable>> byStream = new ConcurrentHashMap<>();

  /** Calls {@code wake} after appends to {@code stream}, or to any stream when it is null. */
  void watch(String stream, Runnable wake) {
    if (stream == null) {
      all.add(wake);
    } else {
      byStream.computeIfAbsent(stream, s -> ConcurrentHashMap.newKeySet()).add(wake);
    }
  }

  void unwatch(String stream, Runnable wake) {
    if (stream == null) {
      all.remove(wake);
    } else {
      byStream.computeIfPresent(
          stream,
          (s, wakes) -> {
            wakes.remove(wake);
            return wakes.isEmpty() ? null : wakes;
          });
    }
  }

  @Override
  public void accept(Set<String> moved) {
    all.forEach(Runnable::run);
    if (byStream.isEmpty()) {
      return;
    }
    for (String s : moved) {
      Set<Runnable> wakes = byStream.get(s);
      if (wakes != null) {
        wakes.forEach(Runnable::run);
      }
    }
  }
}
