package io.watershed.kinesis.catalog;

import io.watershed.core.coordinator.CoordinatorLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/** A shard's real partition whose appends fail, without reaching it, while {@link #failing}. */
final class FailingCoordinatorLog implements CoordinatorLog {
  private final CoordinatorLog delegate;
  volatile boolean failing;

  FailingCoordinatorLog(CoordinatorLog delegate) {
    this.delegate = delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public long startOffset() {
    return delegate.startOffset();
  }

  @Override
  public long endOffset() {
    return delegate.endOffset();
  }

  @Override
  public CompletableFuture<Long> append(ByteBuffer batch) {
    if (failing) {
      return CompletableFuture.failedFuture(new IOException("No space left on device"));
    }
    return delegate.append(batch);
  }

  @Override
  public ByteBuffer read(long offset, int maxBytes) throws IOException {
    return delegate.read(offset, maxBytes);
  }
}
