package io.watershed.core.coordinator;

import io.watershed.log.AppendOptions;
import io.watershed.log.LogException;
import io.watershed.log.LogSlice;
import io.watershed.log.PartitionLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** A shard's partition in the local log engine: durable appends, reads of whole batches. */
final class PartitionCoordinatorLog implements CoordinatorLog {
  private final PartitionLog log;

  PartitionCoordinatorLog(PartitionLog log) {
    this.log = log;
  }

  @Override
  public String name() {
    return log.name();
  }

  @Override
  public long startOffset() {
    return log.logStartOffset();
  }

  @Override
  public long endOffset() {
    return log.logEndOffset();
  }

  @Override
  public CompletableFuture<Long> append(ByteBuffer batch) {
    return log.append(batch, AppendOptions.DURABLE).thenApply(r -> r.lastOffset() + 1);
  }

  @Override
  public ByteBuffer read(long offset, int maxBytes) throws IOException {
    try (LogSlice slice = log.read(offset, maxBytes, true)) {
      return slice.readWholeBatches();
    } catch (LogException e) {
      throw new IOException(log.name() + ": " + e.getMessage(), e);
    }
  }
}
