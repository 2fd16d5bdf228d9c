package io.watershed.core.metadata;

/**
 * Tuning for a {@link MetadataStore}.
 *
 * @param snapshotInterval how many applied commands may accumulate after the last snapshot before
 *     the store takes the next one (checked after each group commit, so a snapshot may cover a few
 *     more); also bounds how many commands an open replays
 * @param maxBatchCommands the most commands one group commit (one fsync) takes
 * @param queueCapacity the most submitted commands waiting for the writer; beyond it {@link
 *     MetadataStore#submit} fails fast rather than block the caller
 */
public record MetadataStoreOptions(int snapshotInterval, int maxBatchCommands, int queueCapacity) {

  /** Default {@link #snapshotInterval}. */
  public static final int DEFAULT_SNAPSHOT_INTERVAL = 10_000;

  /** Default {@link #maxBatchCommands}. */
  public static final int DEFAULT_MAX_BATCH_COMMANDS = 256;

  /** Default {@link #queueCapacity}. */
  public static final int DEFAULT_QUEUE_CAPACITY = 10_000;

  /** Rejects values below 1. */
  public MetadataStoreOptions {
    requirePositive("snapshotInterval", snapshotInterval);
    requirePositive("maxBatchCommands", maxBatchCommands);
    requirePositive("queueCapacity", queueCapacity);
  }

  /** Returns the defaults. */
  public static MetadataStoreOptions defaults() {
    return new MetadataStoreOptions(
        DEFAULT_SNAPSHOT_INTERVAL, DEFAULT_MAX_BATCH_COMMANDS, DEFAULT_QUEUE_CAPACITY);
  }

  /** Returns a copy with {@code snapshotInterval} replaced. */
  public MetadataStoreOptions withSnapshotInterval(int newSnapshotInterval) {
    return new MetadataStoreOptions(newSnapshotInterval, maxBatchCommands, queueCapacity);
  }

  private static void requirePositive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
  }
}
