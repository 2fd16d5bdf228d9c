package io.watershed.core.metadata;

import java.io.IOException;

/**
 * Persists one image as a snapshot. The local {@link MetadataStore} writes snapshot files in its
 * own directory; a Ratis-backed store writes into Ratis's state-machine storage instead.
 */
@FunctionalInterface
public interface SnapshotWriter {

  /**
   * Writes {@code image} durably: when this returns, the snapshot survives a crash.
   *
   * @throws IOException if the snapshot could not be written; no partial snapshot may remain
   *     visible to a later load
   */
  void write(MetadataImage image) throws IOException;
}
