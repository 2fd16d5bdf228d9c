package io.watershed.kinesis.catalog;

import io.watershed.core.coordinator.CoordinatorShard;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The catalog as the coordinator shard that holds it replays it: every stream's latest entry. At
 * each commit an immutable copy is handed to the catalog, which readers on any thread use. Confined
 * to the shard's owner.
 */
final class CatalogState implements CoordinatorShard {
  private final TreeMap<String, StreamEntry> entries = new TreeMap<>();
  private final SortedMap<String, StreamEntry> view = Collections.unmodifiableSortedMap(entries);
  private final Consumer<SortedMap<String, StreamEntry>> publish;
  private boolean changed = true;

  CatalogState(Consumer<SortedMap<String, StreamEntry>> publish) {
    this.publish = publish;
  }

  @Override
  public void replay(byte[] key, byte[] value) {
    if (value == null) {
      entries.remove(CatalogRecords.name(key));
    } else {
      StreamEntry s = CatalogRecords.decode(key, value);
      entries.put(s.name(), s);
    }
    changed = true;
  }

  @Override
  public void committed() {
    if (changed) {
      publish.accept(Collections.unmodifiableSortedMap(new TreeMap<>(entries)));
      changed = false;
    }
  }

  /**
   * The entries as they stand for the next change: committed ones plus those of earlier changes
   * being written in the same group commit. A read-only view, valid during the change only.
   */
  SortedMap<String, StreamEntry> entries() {
    return view;
  }
}
