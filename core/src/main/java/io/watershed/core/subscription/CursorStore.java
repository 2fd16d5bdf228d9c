package io.watershed.core.subscription;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where subscriptions keep their durable state: each subscription's definition (opaque bytes the
 * adapter encodes: settings, source, policy) and its cursor ({@link CursorCodec}'s form). This is
 * the seam to the control-plane path: {@link CoordinatorCursorStore} keeps them on the coordinator
 * runtime (what the server uses), so that they take the same durable path as the rest of the
 * control-plane state; the event store's streams (an earlier version's home, read once to move
 * from) and memory (tests) are the others.
 *
 * <p>Every method is asynchronous and may complete on any thread; a write completes only once it is
 * durable, and completes exceptionally when it is not (the caller keeps its state and tries again),
 * never silently. Writes of one subscription are applied in the order they are called. Thread-safe.
 */
public interface CursorStore {
  /** Every subscription's definition, by subscription id. */
  CompletableFuture<Map<String, byte[]>> loadDefinitions();

  /** The subscription's last saved cursor, or empty when none was saved. */
  CompletableFuture<Optional<byte[]>> loadCursor(String subscription);

  /** Creates or replaces the subscription's definition. */
  CompletableFuture<Void> saveDefinition(String subscription, byte[] definition);

  /** Saves the subscription's cursor, replacing the last one. */
  CompletableFuture<Void> saveCursor(String subscription, byte[] cursor);

  /** Removes the subscription's definition and cursor. */
  CompletableFuture<Void> delete(String subscription);
}
