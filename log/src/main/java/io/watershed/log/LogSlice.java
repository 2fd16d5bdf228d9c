package io.watershed.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A byte range of a segment file holding batches, leased so that the file stays open until the
 * slice is closed. Send it with zero copy through {@link #transferTo} (or a Netty file region over
 * {@link #channel()}, {@link #position()}, {@link #size()}), or copy it with {@link #readAll()}.
 *
 * <p>Like a Kafka fetch, a slice starts at a batch boundary, its first batch is always whole, and
 * its last batch may be cut short at the byte limit; {@link #readWholeBatches()} drops such a tail.
 * Close every slice exactly once; a slice is not thread-safe.
 */
public final class LogSlice implements AutoCloseable {
  private final FileHandlePool.Lease lease;
  private final long position;
  private final int size;
  private final long firstBatchBaseOffset;

  LogSlice(FileHandlePool.Lease lease, long position, int size, long firstBatchBaseOffset) {
    this.lease = lease;
    this.position = position;
    this.size = size;
    this.firstBatchBaseOffset = firstBatchBaseOffset;
  }

  static LogSlice empty() {
    return new LogSlice(null, 0, 0, -1);
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** The open channel of the segment file; valid until {@link #close()}. Null when empty. */
  public FileChannel channel() {
    return lease == null ? null : lease.channel();
  }

  /** File position of the first byte. */
  public long position() {
    return position;
  }

  /** Number of bytes in the slice. */
  public int size() {
    return size;
  }

  /** Base offset of the first batch, which may be below the offset asked for; -1 when empty. */
  public long firstBatchBaseOffset() {
    return firstBatchBaseOffset;
  }

  /** Sends the whole slice to {@code target} with {@link FileChannel#transferTo}. */
  public void transferTo(WritableByteChannel target) throws IOException {
    long done = 0;
    while (done < size) {
      long n = lease.channel().transferTo(position + done, size - done, target);
      if (n <= 0) {
        throw new IOException("transfer stalled at " + done + " of " + size + " bytes");
      }
      done += n;
    }
  }

  /** Copies the slice into a new heap buffer. */
  public ByteBuffer readAll() throws IOException {
    ByteBuffer out = ByteBuffer.allocate(size);
    if (size > 0) {
      while (out.hasRemaining()) {
        if (lease.channel().read(out, position + out.position()) < 0) {
          throw new IOException("segment file ends inside a slice");
        }
      }
    }
    return out.flip();
  }

  /** Copies the slice and drops a trailing partial batch. */
  public ByteBuffer readWholeBatches() throws IOException {
    ByteBuffer all = readAll();
    int end = 0;
    while (all.limit() - end >= io.watershed.log.format.RecordBatchLayout.LOG_OVERHEAD) {
      int next =
          end
              + io.watershed.log.format.RecordBatchLayout.batchLength(all, end)
              + io.watershed.log.format.RecordBatchLayout.LOG_OVERHEAD;
      if (next > all.limit()) {
        break;
      }
      end = next;
    }
    return all.limit(end);
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
  }
}
