package io.watershed.core.stream;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An {@link EventStore} over a real one whose appends to chosen streams fail or hang, and which
 * counts the reads of each stream: what a persistent subscription group sees when its own streams
 * (checkpoints, parked events, definitions) cannot be written.
 */
final class FaultyEventStore {
  private final EventStore real;

  /**
   * Given the stream appended to, the future to answer with instead of appending, or null to
   * append.
   */
  volatile Function<String, CompletableFuture<AppendOutcome>> appendOverride = s -> null;

  final ConcurrentHashMap<String, AtomicInteger> streamReads = new ConcurrentHashMap<>();
  final ConcurrentHashMap<String, AtomicInteger> refusedAppends = new ConcurrentHashMap<>();

  FaultyEventStore(EventStore real) {
    this.real = real;
  }

  /** Appends to streams whose name ends with {@code suffix} fail as a full disk makes them. */
  void failAppendsEndingWith(String suffix) {
    appendOverride =
        s ->
            s.endsWith(suffix)
                ? CompletableFuture.failedFuture(new EventStoreException("disk full"))
                : null;
  }

  void heal() {
    appendOverride = s -> null;
  }

  int reads(String stream) {
    AtomicInteger n = streamReads.get(stream);
    return n == null ? 0 : n.get();
  }

  int refused(String stream) {
    AtomicInteger n = refusedAppends.get(stream);
    return n == null ? 0 : n.get();
  }

  EventStore store() {
    return (EventStore)
        Proxy.newProxyInstance(
            EventStore.class.getClassLoader(),
            new Class<?>[] {EventStore.class},
            (proxy, method, args) -> {
              if (method.getName().equals("append")) {
                String stream = (String) args[0];
                CompletableFuture<AppendOutcome> instead = appendOverride.apply(stream);
                if (instead != null) {
                  refusedAppends
                      .computeIfAbsent(stream, k -> new AtomicInteger())
                      .incrementAndGet();
                  return instead;
                }
              }
              if (method.getName().equals("readStream")) {
                streamReads
                    .computeIfAbsent((String) args[0], k -> new AtomicInteger())
                    .incrementAndGet();
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  static List<ProposedEvent> events(String prefix, int n) {
    List<ProposedEvent> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new ProposedEvent(
              java.util.UUID.randomUUID(),
              "T",
              "application/json",
              (prefix + i).getBytes(java.nio.charset.StandardCharsets.UTF_8),
              new byte[0]));
    }
    return out;
  }
}
