package io.watershed.core.metadata;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the state at start-up: the newest intact snapshot, then the command log after it.
 *
 * <p>The log must reach back to the entry right after the snapshot; if it starts later, commands
 * are missing and recovery refuses. If it ends before the snapshot (its tail was damaged, but the
 * snapshot already covers it), it is restarted right after the snapshot.
 */
final class MetadataRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(MetadataRecovery.class);

  /**
   * What recovery produced.
   *
   * @param log the command log, ready to append after the machine's last applied index
   * @param snapshotIndex the index of the snapshot loaded, 0 if none
   * @param replayed how many log entries were applied on top of it
   */
  record Recovered(MetadataLog log, long snapshotIndex, long replayed) {}

  private MetadataRecovery() {}

  /**
   * Loads {@code dir} into {@code machine}, which must be fresh.
   *
   * @throws CorruptMetadataException if the state cannot be rebuilt without losing commands
   */
  static Recovered recover(Path dir, MetadataSnapshots snapshots, MetadataStateMachine machine)
      throws IOException {
    MetadataImage snapshot = snapshots.loadNewest();
    machine.reinitialize(snapshot);
    long base = snapshot.lastAppliedIndex();
    MetadataLog log = MetadataLog.open(dir);
    try {
      if (log.lastIndex() < base) {
        LOG.warn(
            "The command log ends at index {}, before the snapshot at index {}; restarting it"
                + " after the snapshot.",
            log.lastIndex(),
            base);
        log.restartAt(base + 1);
      } else if (log.firstIndex() > base + 1) {
        throw new CorruptMetadataException(
            "The newest intact snapshot in "
                + dir
                + " covers indexes up to "
                + base
                + " but the command log starts at index "
                + log.firstIndex()
                + "; commands "
                + (base + 1)
                + " to "
                + (log.firstIndex() - 1)
                + " are missing");
      }
      log.replay(base + 1, (index, payload) -> machine.apply(index, decode(index, payload)));
      return new Recovered(log, base, log.lastIndex() - base);
    } catch (IOException | RuntimeException e) {
      log.close();
      throw e;
    }
  }

  private static MetadataCommand decode(long index, byte[] payload) throws IOException {
    try {
      return MetadataCommandCodec.decode(payload);
    } catch (IOException e) {
      throw new CorruptMetadataException(
          "Command log entry "
              + index
              + " has a valid CRC but is not a command this version understands: "
              + e.getMessage(),
          e);
    }
  }
}
