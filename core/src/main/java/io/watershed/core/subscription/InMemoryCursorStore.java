package io.watershed.core.subscription;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link CursorStore} in memory, for tests and for subscriptions that need not survive. */
public final class InMemoryCursorStore implements CursorStore {
  private final ConcurrentHashMap<String, byte[]> definitions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, byte[]> cursors = new ConcurrentHashMap<>();

  @Override
  public CompletableFuture<Map<String, byte[]>> loadDefinitions() {
    return CompletableFuture.completedFuture(new TreeMap<>(definitions));
  }

  @Override
  public CompletableFuture<Optional<byte[]>> loadCursor(String subscription) {
    return CompletableFuture.completedFuture(Optional.ofNullable(cursors.get(subscription)));
  }

  @Override
  public CompletableFuture<Void> saveDefinition(String subscription, byte[] definition) {
    definitions.put(subscription, definition.clone());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> saveCursor(String subscription, byte[] cursor) {
    cursors.put(subscription, cursor.clone());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> delete(String subscription) {
    definitions.remove(subscription);
    cursors.remove(subscription);
    return CompletableFuture.completedFuture(null);
  }
}
