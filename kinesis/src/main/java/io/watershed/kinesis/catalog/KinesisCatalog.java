package io.watershed.kinesis.catalog;

import io.watershed.core.coordinator.CoordinatorException;
import io.watershed.core.coordinator.CoordinatorNamespace;
import io.watershed.core.coordinator.CoordinatorResult;
import io.watershed.core.coordinator.CoordinatorRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kinesis stream metadata the log does not hold, kept on the coordinator runtime (namespace
 * {@value CatalogRecords#NAMESPACE}, one record per stream: {@link CatalogRecords}), so that it
 * takes the one durable control-plane path the cluster will replicate.
 *
 * <p>The whole catalog lives in one shard (the shard of {@value #SHARD_KEY}): it is small, changes
 * rarely, and one shard lets every change check the account-wide limits (open shards, on-demand
 * streams) against every stream, including changes just before it that are still being written.
 *
 * <p>Thread-safe: readers see the committed entries, an immutable snapshot replaced after each
 * change; changes are serialised by the shard and each is durable when its method returns. Changes
 * block until then: call them off the event loops, and never from a coordinator thread.
 */
public final class KinesisCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisCatalog.class);

  /** The shard key that places the catalog. */
  static final String SHARD_KEY = "kinesis.catalog";

  private final CoordinatorNamespace<CatalogState> namespace;
  private final int shard;
  private volatile SortedMap<String, StreamEntry> entries = Collections.emptySortedMap();

  private KinesisCatalog(CoordinatorRuntime runtime) {
    this.namespace =
        runtime.register(CatalogRecords.NAMESPACE, s -> new CatalogState(m -> entries = m));
    this.shard = namespace.shardOf(SHARD_KEY);
  }

  /**
   * Registers the catalog on {@code runtime} and loads it. When {@code legacyDir} holds the catalog
   * file of an earlier version ({@link LegacyCatalogFile}), its streams are written to the runtime
   * first and the file is then renamed as a backup; a crash in between repeats the migration at the
   * next start, which rewrites the same entries.
   *
   * @throws IOException when the catalog cannot be loaded or the old file is unreadable
   */
  public static KinesisCatalog open(CoordinatorRuntime runtime, Path legacyDir) throws IOException {
    KinesisCatalog catalog = new KinesisCatalog(runtime);
    await(catalog.namespace.read(catalog.shard, state -> null));
    Path legacy = legacyDir.resolve(LegacyCatalogFile.FILE_NAME);
    Files.deleteIfExists(legacyDir.resolve(LegacyCatalogFile.FILE_NAME + ".tmp"));
    if (Files.exists(legacy)) {
      catalog.migrate(legacy);
    }
    return catalog;
  }

  private void migrate(Path legacy) throws IOException {
    SortedMap<String, StreamEntry> old = LegacyCatalogFile.read(legacy);
    for (StreamEntry s : old.values()) {
      put(s);
    }
    for (String name : entries.keySet()) {
      if (!old.containsKey(name)) {
        remove(name);
      }
    }
    Path backup = LegacyCatalogFile.keepAsBackup(legacy);
    LOG.info(
        "moved {} Kinesis stream(s) from {} onto the coordinator runtime; the old file is kept as {}",
        old.size(),
        legacy,
        backup);
  }

  /** Every catalogued stream by name, as committed. */
  public SortedMap<String, StreamEntry> entries() {
    return entries;
  }

  public Optional<StreamEntry> entry(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /** Adds or replaces a stream's entry; durable on return. */
  public void put(StreamEntry entry) throws IOException {
    update(entry.name(), (current, all) -> entry);
  }

  /** Removes a stream's entry, if present; durable on return. */
  public void remove(String name) throws IOException {
    update(name, (current, all) -> null);
  }

  /** A change computed from the current entries, one change at a time. */
  @FunctionalInterface
  public interface Change {
    /**
     * The new entry of the stream, or null to remove it; {@code current} itself to change nothing.
     * Runs on the catalog's coordinator thread: must not block, may throw the request's error.
     *
     * @param current the stream's entry, or null when it has none
     * @param catalog every entry as it stands for this change (committed, plus the changes queued
     *     before it); read-only, valid during the call only
     */
    StreamEntry apply(StreamEntry current, SortedMap<String, StreamEntry> catalog);
  }

  /**
   * Replaces the entry of {@code name} with what {@code change} returns, after every change asked
   * before it and before any asked after; durable on return.
   *
   * @return the new entry, or null when removed
   * @throws IOException when the write failed (the catalog is then unchanged)
   * @throws RuntimeException what {@code change} threw
   */
  public StreamEntry update(String name, Change change) throws IOException {
    return await(
        namespace.write(
            shard,
            state -> {
              StreamEntry current = state.entries().get(name);
              StreamEntry next = change.apply(current, state.entries());
              if (next == current) {
                return CoordinatorResult.of(current);
              }
              if (next == null) {
                return CoordinatorResult.of(List.of(CatalogRecords.remove(name)), null);
              }
              if (!next.name().equals(name)) {
                throw new IllegalArgumentException(
                    "the entry of stream " + next.name() + " cannot replace " + name);
              }
              StreamEntry stored = next.asCatalogued();
              return CoordinatorResult.of(List.of(CatalogRecords.put(stored)), stored);
            }));
  }

  /** Runs a read on the catalog's shard (tests: the entries as the shard holds them). */
  Map<String, StreamEntry> shardEntries() throws IOException {
    return await(namespace.read(shard, state -> Map.copyOf(state.entries())));
  }

  /**
   * Waits for a catalog operation: the runtime's failures become IOExceptions, the change's own
   * exceptions are rethrown as they are.
   */
  private static <T> T await(CompletableFuture<T> f) throws IOException {
    try {
      return f.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CoordinatorException ce) {
        throw new IOException("Kinesis catalog: " + ce.getMessage(), ce);
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }
}
