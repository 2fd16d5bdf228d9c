package io.watershed.core.coordinator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The partition one shard writes and replays: the seam between the runtime and storage. On one node
 * it is a partition of the local log ({@link PartitionCoordinatorLog}); in a cluster it will be the
 * replicated partition, whose leader runs the shard (appends complete once committed by the quorum)
 * — the runtime does not change.
 */
public interface CoordinatorLog {

  /** The partition's name, for messages. */
  String name();

  /** The first offset the partition holds. */
  long startOffset();

  /** The offset the next record gets. */
  long endOffset();

  /**
   * Appends one record batch durably (fsynced under the {@code durable} flush policy; committed by
   * a quorum in a cluster). The batch is not touched afterwards by the caller.
   *
   * @return the end offset after the batch, once durable; fails with the storage's error, and then
   *     the batch was not committed (though it may have reached the log: see {@link #endOffset})
   */
  CompletableFuture<Long> append(ByteBuffer batch);

  /**
   * Whole record batches from the one holding {@code offset} on, about {@code maxBytes} of them but
   * at least one; empty at the end.
   *
   * @throws IOException when the partition cannot be read there (damage, a failing disk)
   */
  ByteBuffer read(long offset, int maxBytes) throws IOException;
}
