package io.watershed.core.coordinator;

import io.watershed.log.format.RecordBatchLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A shard's partition in memory, for deterministic tests: batches get offsets as the log would give
 * them; appends complete at once, or wait until {@link #release} when held; the next append can be
 * made to fail (before or after reaching the log), and a read can be made to fail.
 */
public final class MemoryCoordinatorLog implements CoordinatorLog {
  private final String name;
  private final List<ByteBuffer> batches = new ArrayList<>();
  private long end;
  private boolean hold;
  private final ArrayDeque<Runnable> held = new ArrayDeque<>();
  private RuntimeException failNext;
  private boolean failAfterWriting;
  private IOException failReads;
  private RuntimeException failOpen;
  int appends;

  public MemoryCoordinatorLog(String name) {
    this.name = name;
  }

  /** Appends wait until {@link #release} (true) or complete at once (false). */
  public void hold(boolean hold) {
    this.hold = hold;
  }

  /** Completes the appends held now, in order (not those their completion starts). */
  public void release() {
    for (int n = held.size(); n > 0; n--) {
      held.poll().run();
    }
  }

  public int heldAppends() {
    return held.size();
  }

  /** The next append fails with {@code e}; when {@code afterWriting}, its records stay readable. */
  public void failNextAppend(RuntimeException e, boolean afterWriting) {
    this.failNext = e;
    this.failAfterWriting = afterWriting;
  }

  public void failReads(IOException e) {
    this.failReads = e;
  }

  /** Asking for the end fails with {@code e} (a partition that cannot be opened); null: works. */
  public void failOpen(RuntimeException e) {
    this.failOpen = e;
  }

  /** Appends a batch as is (offsets assigned), bypassing the runtime: damage, foreign writers. */
  public void appendRaw(ByteBuffer batch) {
    place(batch);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long startOffset() {
    return 0;
  }

  @Override
  public long endOffset() {
    if (failOpen != null) {
      throw failOpen;
    }
    return end;
  }

  @Override
  public CompletableFuture<Long> append(ByteBuffer batch) {
    appends++;
    CompletableFuture<Long> f = new CompletableFuture<>();
    RuntimeException failure = failNext;
    failNext = null;
    Runnable complete;
    if (failure != null) {
      if (failAfterWriting) {
        place(batch);
      }
      complete = () -> f.completeExceptionally(failure);
    } else {
      long after = place(batch);
      complete = () -> f.complete(after);
    }
    if (hold) {
      held.add(complete);
    } else {
      complete.run();
    }
    return f;
  }

  private long place(ByteBuffer batch) {
    ByteBuffer b = batch.duplicate();
    int count = RecordBatchLayout.recordCount(b, 0);
    b.putLong(RecordBatchLayout.BASE_OFFSET, end);
    batches.add(b.asReadOnlyBuffer());
    end += count;
    return end;
  }

  @Override
  public ByteBuffer read(long offset, int maxBytes) throws IOException {
    if (failReads != null) {
      throw failReads;
    }
    ByteBuffer out = ByteBuffer.allocate(batches.stream().mapToInt(ByteBuffer::remaining).sum());
    for (ByteBuffer b : batches) {
      if (RecordBatchLayout.lastOffset(b, 0) >= offset) {
        out.put(b.duplicate());
      }
    }
    return out.flip();
  }

  /** The records held, in order: (namespace key bytes, value) as stored. */
  public int recordCount() {
    return (int) end;
  }
}
