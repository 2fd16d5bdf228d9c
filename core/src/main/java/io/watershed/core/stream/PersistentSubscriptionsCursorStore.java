package io.watershed.core.stream;

import io.watershed.core.subscription.CursorStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link CursorStore} of persistent subscription groups on today's mechanism, in the event
 * store itself as EventStoreDB keeps them: every definition in the last event of {@value
 * PersistentSubscriptions#CONFIG_STREAM} (so each change writes them all, one write after the
 * other, in the order asked), and each group's cursor in {@code
 * $persistentsubscription-<source>::<group>-checkpoint}, kept to its last event by {@code
 * $maxCount} 1. Subscription ids are {@code <source>::<group>}. The server keeps them on the
 * coordinator runtime instead ({@link io.watershed.core.subscription.CoordinatorCursorStore}), and
 * reads this home once, to move what an earlier version stored here. Thread-safe.
 */
final class PersistentSubscriptionsCursorStore implements CursorStore {
  private final EventStore store;

  /** Every definition, by id, as last written; guarded by this. */
  private final LinkedHashMap<String, byte[]> definitions = new LinkedHashMap<>();

  /** The last definitions write; the next starts after it. Guarded by this. */
  private CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);

  /** Checkpoint streams given {@code $maxCount} 1 since start. */
  private final Set<String> limited = ConcurrentHashMap.newKeySet();

  PersistentSubscriptionsCursorStore(EventStore store) {
    this.store = store;
  }

  static String checkpointStream(String id) {
    return "$persistentsubscription-" + id + "-checkpoint";
  }

  static String parkedStream(String id) {
    return "$persistentsubscription-" + id + "-parked";
  }

  static String id(String stream, String group) {
    return stream + "::" + group;
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> loadDefinitions() {
    try {
      StreamReadResult r =
          store.readStream(PersistentSubscriptions.CONFIG_STREAM, EventStore.END, false, 1, false);
      synchronized (this) {
        definitions.clear();
        if (r instanceof StreamReadResult.Events ev && !ev.events().isEmpty()) {
          for (byte[] d :
              PersistentSubscriptionsJson.decodeAll(ev.events().get(0).event().data())) {
            PersistentSubscriptionsJson.Definition def = PersistentSubscriptionsJson.decode(d);
            definitions.put(id(def.stream(), def.group()), d);
          }
        }
        return CompletableFuture.completedFuture(new LinkedHashMap<>(definitions));
      }
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Optional<byte[]>> loadCursor(String subscription) {
    try {
      StreamReadResult r =
          store.readStream(checkpointStream(subscription), EventStore.END, false, 1, false);
      return CompletableFuture.completedFuture(
          r instanceof StreamReadResult.Events ev && !ev.events().isEmpty()
              ? Optional.of(ev.events().get(0).event().data())
              : Optional.empty());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public synchronized CompletableFuture<Void> saveDefinition(
      String subscription, byte[] definition) {
    definitions.put(subscription, definition.clone());
    return writeDefinitions();
  }

  @Override
  public synchronized CompletableFuture<Void> delete(String subscription) {
    definitions.remove(subscription);
    return writeDefinitions();
  }

  /** Writes the whole set as it is now, after the write before. Caller holds the lock. */
  private CompletableFuture<Void> writeDefinitions() {
    byte[] data = PersistentSubscriptionsJson.encodeAll(new ArrayList<>(definitions.values()));
    ProposedEvent e =
        new ProposedEvent(
            UUID.randomUUID(), "$PersistentConfig", "application/json", data, new byte[0]);
    CompletableFuture<Void> write =
        lastWrite
            .handle((x, previousFailed) -> null)
            .thenCompose(
                x ->
                    store.append(
                        PersistentSubscriptions.CONFIG_STREAM, ExpectedRevision.ANY, List.of(e)))
            .thenApply(outcome -> null);
    lastWrite = write;
    return write;
  }

  @Override
  public CompletableFuture<Void> saveCursor(String subscription, byte[] cursor) {
    String stream = checkpointStream(subscription);
    ProposedEvent e =
        new ProposedEvent(
            UUID.randomUUID(),
            "$SubscriptionCheckpoint",
            "application/octet-stream",
            cursor,
            new byte[0]);
    CompletableFuture<Void> limit = CompletableFuture.completedFuture(null);
    if (limited.add(stream)) {
      // Only the last checkpoint matters: keep the stream at one visible event.
      ProposedEvent md =
          new ProposedEvent(
              UUID.randomUUID(),
              EventRecords.METADATA_TYPE,
              "application/json",
              "{\"$maxCount\":1}".getBytes(StandardCharsets.UTF_8),
              new byte[0]);
      limit =
          store
              .append("$$" + stream, ExpectedRevision.ANY, List.of(md))
              .handle(
                  (ok, error) -> {
                    if (error != null) {
                      limited.remove(stream); // try again with the next checkpoint
                    }
                    return null;
                  });
    }
    return limit
        .thenCompose(x -> store.append(stream, ExpectedRevision.ANY, List.of(e)))
        .thenApply(outcome -> null);
  }
}
