package io.watershed.core.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A cursor store in memory whose cursor writes can fail or be held until the test completes them,
 * recording each write attempt.
 */
final class ControlledCursorStore implements CursorStore {
  final InMemoryCursorStore stored = new InMemoryCursorStore();
  final List<byte[]> attempts = new ArrayList<>();
  boolean fail;
  boolean hold;
  final List<Runnable> held = new ArrayList<>();

  @Override
  public CompletableFuture<Map<String, byte[]>> loadDefinitions() {
    return stored.loadDefinitions();
  }

  @Override
  public CompletableFuture<Optional<byte[]>> loadCursor(String subscription) {
    return stored.loadCursor(subscription);
  }

  @Override
  public CompletableFuture<Void> saveDefinition(String subscription, byte[] definition) {
    return stored.saveDefinition(subscription, definition);
  }

  @Override
  public CompletableFuture<Void> saveCursor(String subscription, byte[] cursor) {
    attempts.add(cursor);
    if (fail) {
      return CompletableFuture.failedFuture(new IllegalStateException("disk full"));
    }
    if (hold) {
      CompletableFuture<Void> f = new CompletableFuture<>();
      held.add(() -> stored.saveCursor(subscription, cursor).thenRun(() -> f.complete(null)));
      return f;
    }
    return stored.saveCursor(subscription, cursor);
  }

  /** Completes the held writes, in order. */
  void release() {
    hold = false;
    List<Runnable> r = List.copyOf(held);
    held.clear();
    r.forEach(Runnable::run);
  }

  @Override
  public CompletableFuture<Void> delete(String subscription) {
    return stored.delete(subscription);
  }

  /** The cursor last made durable. */
  StoredCursor durable(String subscription) {
    return stored.loadCursor(subscription).join().map(CursorCodec::decode).orElse(null);
  }
}
