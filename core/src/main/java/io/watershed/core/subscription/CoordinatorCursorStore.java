package io.watershed.core.subscription;

import io.watershed.core.coordinator.CoordinatorNamespace;
import io.watershed.core.coordinator.CoordinatorRecord;
import io.watershed.core.coordinator.CoordinatorResult;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.coordinator.CoordinatorShard;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Subscriptions' definitions and cursors on the coordinator runtime: the one durable control-plane
 * path, which the cluster replicates. A subscription's state sits on the shard its id hashes to;
 * writes complete once committed (durable), and a failed write changes nothing.
 *
 * <p>Records of one namespace (one per adapter: {@code eventstore.subscriptions}, later {@code
 * pulsar.subscriptions}), compacted to the latest of each key:
 *
 * <pre>
 * | key                        | value                                      |
 * |----------------------------|--------------------------------------------|
 * | 'd' 0x00 subscription id   | the definition, the adapter's bytes        |
 * | 'c' 0x00 subscription id   | the cursor, {@link CursorCodec}'s form     |
 * | 'm' 0x00 "moved"           | on shard 0: the state of an earlier home    |
 * |                            | was moved here ({@link #moveFrom}), 1 byte  |
 * </pre>
 *
 * The id is UTF-8. Deleting a subscription writes tombstones for both keys in one batch.
 * Thread-safe.
 */
public final class CoordinatorCursorStore implements CursorStore {
  private static final byte DEFINITION = 'd';
  private static final byte CURSOR = 'c';
  private static final byte MOVED = 'm';
  private static final String MOVED_ID = "moved";

  private final CoordinatorNamespace<Cursors> namespace;

  /**
   * @param name the namespace, {@code <door>.subscriptions}
   */
  public CoordinatorCursorStore(CoordinatorRuntime runtime, String name) {
    this.namespace = runtime.register(name, shard -> new Cursors());
  }

  /** One shard's definitions and cursors; confined to the shard's owner. */
  static final class Cursors implements CoordinatorShard {
    final Map<String, byte[]> definitions = new HashMap<>();
    final Map<String, byte[]> cursors = new HashMap<>();
    boolean moved;

    @Override
    public void replay(byte[] key, byte[] value) {
      if (key.length < 2
          || key[1] != 0
          || (key[0] != DEFINITION && key[0] != CURSOR && key[0] != MOVED)) {
        throw new IllegalArgumentException("not a subscription record key");
      }
      if (key[0] == MOVED) {
        moved = value != null;
        return;
      }
      String id = new String(key, 2, key.length - 2, StandardCharsets.UTF_8);
      Map<String, byte[]> target = key[0] == DEFINITION ? definitions : cursors;
      if (value == null) {
        target.remove(id);
      } else {
        target.put(id, value);
      }
    }
  }

  private static byte[] key(byte kind, String subscription) {
    byte[] id = subscription.getBytes(StandardCharsets.UTF_8);
    byte[] key = new byte[id.length + 2];
    key[0] = kind;
    System.arraycopy(id, 0, key, 2, id.length);
    return key;
  }

  private int shardOf(String subscription) {
    return namespace.shardOf(subscription);
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> loadDefinitions() {
    List<CompletableFuture<Map<String, byte[]>>> shards = new ArrayList<>();
    for (int s = 0; s < namespace.shards(); s++) {
      shards.add(namespace.read(s, state -> Map.copyOf(state.definitions)));
    }
    return CompletableFuture.allOf(shards.toArray(CompletableFuture[]::new))
        .thenApply(
            ignored -> {
              Map<String, byte[]> all = new HashMap<>();
              shards.forEach(f -> all.putAll(f.join()));
              return all;
            });
  }

  @Override
  public CompletableFuture<Optional<byte[]>> loadCursor(String subscription) {
    return namespace.read(
        shardOf(subscription), state -> Optional.ofNullable(state.cursors.get(subscription)));
  }

  @Override
  public CompletableFuture<Void> saveDefinition(String subscription, byte[] definition) {
    return put(DEFINITION, subscription, definition);
  }

  @Override
  public CompletableFuture<Void> saveCursor(String subscription, byte[] cursor) {
    return put(CURSOR, subscription, cursor);
  }

  private CompletableFuture<Void> put(byte kind, String subscription, byte[] value) {
    return put(kind, subscription, value, shardOf(subscription));
  }

  private CompletableFuture<Void> put(byte kind, String id, byte[] value, int shard) {
    CoordinatorRecord record = new CoordinatorRecord(key(kind, id), value.clone());
    return namespace.write(shard, state -> CoordinatorResult.of(List.of(record), null));
  }

  /**
   * Moves every subscription of {@code earlier} (definitions and cursors) here, once: the first
   * start after an upgrade. Each subscription is moved whole before the mark that says the move is
   * done, so a crash in between repeats the move, which rewrites the same state; the earlier home
   * is only read, never changed.
   *
   * @return how many subscriptions were moved (0 once the move is done)
   */
  public CompletableFuture<Integer> moveFrom(CursorStore earlier) {
    return namespace
        .read(0, state -> state.moved)
        .thenCompose(
            moved -> {
              if (moved) {
                return CompletableFuture.completedFuture(0);
              }
              return earlier
                  .loadDefinitions()
                  .thenCompose(
                      definitions -> {
                        if (definitions.isEmpty()) {
                          // Nothing to move (a fresh data directory): no mark either, so a fresh
                          // server writes nothing here until a subscription is created; the
                          // earlier home is no longer written, so it stays empty.
                          return CompletableFuture.completedFuture(0);
                        }
                        List<CompletableFuture<Void>> each = new ArrayList<>();
                        definitions.forEach(
                            (id, definition) ->
                                each.add(
                                    earlier
                                        .loadCursor(id)
                                        .thenCompose(
                                            cursor ->
                                                saveDefinition(id, definition)
                                                    .thenCompose(
                                                        ignored ->
                                                            cursor.isPresent()
                                                                ? saveCursor(id, cursor.get())
                                                                : CompletableFuture
                                                                    .<Void>completedFuture(
                                                                        null)))));
                        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                            .thenCompose(ignored -> put(MOVED, MOVED_ID, new byte[] {1}, 0))
                            .thenApply(ignored -> definitions.size());
                      });
            });
  }

  @Override
  public CompletableFuture<Void> delete(String subscription) {
    List<CoordinatorRecord> tombstones =
        List.of(
            CoordinatorRecord.tombstone(key(DEFINITION, subscription)),
            CoordinatorRecord.tombstone(key(CURSOR, subscription)));
    return namespace.write(shardOf(subscription), state -> CoordinatorResult.of(tombstones, null));
  }
}
