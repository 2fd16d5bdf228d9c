package io.watershed.log;

import io.watershed.log.format.RecordBatchLayout;
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
    readInto(out);
    return out;
  }

  /**
   * Copies the slice into {@code dst} from its position, which needs {@link #size()} bytes of room,
   * and flips it.
   *
   * @return bytes copied
   */
  public int readInto(ByteBuffer dst) throws IOException {
    if (dst.remaining() < size) {
      throw new IllegalArgumentException("buffer has room for " + dst.remaining() + " of " + size);
    }
    int start = dst.position();
    dst.limit(start + size);
    while (dst.hasRemaining()) {
      if (lease.channel().read(dst, position + dst.position() - start) < 0) {
        throw new IOException("segment file ends inside a slice");
      }
    }
    dst.flip().position(start);
    return size;
  }

  /** Copies the slice and drops a trailing partial batch. */
  public ByteBuffer readWholeBatches() throws IOException {
    ByteBuffer all = readAll();
    return all.limit(wholeBatchesEnd(all));
  }

  /**
   * The offset after the last whole batch between {@code batches}' position and limit, or -1 when
   * it holds no whole batch.
   */
  public static long nextOffsetAfterWholeBatches(ByteBuffer batches) {
    long next = -1;
    int at = batches.position();
    int end = wholeBatchesEnd(batches);
    while (at < end) {
      next = RecordBatchLayout.lastOffset(batches, at) + 1;
      at += RecordBatchLayout.sizeInBytes(batches, at);
    }
    return next;
  }

  /** Position just past the last batch that lies wholly before the limit. */
  private static int wholeBatchesEnd(ByteBuffer batches) {
    int end = batches.position();
    while (batches.limit() - end >= RecordBatchLayout.LOG_OVERHEAD) {
      int next = end + RecordBatchLayout.sizeInBytes(batches, end);
      if (next > batches.limit() || next <= end) {
        break;
      }
      end = next;
    }
    return end;
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
  }
}
