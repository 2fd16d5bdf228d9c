package io.watershed.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A segment file whose writes or fsyncs fail on demand, as a failing disk's do (EIO). A failing
 * write first writes half of what it was given, so that the file ends in a torn batch, as after a
 * real short write. Everything else goes to the real file.
 */
final class FaultyChannel extends FileChannel {
  /** The switches shared by every channel one opener hands out. */
  static final class Faults {
    final AtomicBoolean failWrites = new AtomicBoolean();
    final AtomicBoolean failFsyncs = new AtomicBoolean();
    final AtomicBoolean failTruncates = new AtomicBoolean();

    /** While set, closing a channel waits for it, as closing a deleted large file can. */
    final AtomicReference<CountDownLatch> closeGate = new AtomicReference<>();

    FileHandlePool.ChannelOpener opener() {
      return path -> new FaultyChannel(FileHandlePool.READ_WRITE.open(path), this);
    }
  }

  private final FileChannel file;
  private final Faults faults;

  private FaultyChannel(FileChannel file, Faults faults) {
    this.file = file;
    this.faults = faults;
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
    if (faults.failWrites.get()) {
      ByteBuffer first = srcs[offset];
      ByteBuffer half = first.duplicate();
      half.limit(half.position() + Math.max(1, half.remaining() / 2));
      file.write(half);
      throw new IOException("Input/output error (injected)");
    }
    return file.write(srcs, offset, length);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return (int) write(new ByteBuffer[] {src}, 0, 1);
  }

  @Override
  public int write(ByteBuffer src, long position) throws IOException {
    if (faults.failWrites.get()) {
      throw new IOException("Input/output error (injected)");
    }
    return file.write(src, position);
  }

  @Override
  public void force(boolean metaData) throws IOException {
    if (faults.failFsyncs.get()) {
      throw new IOException("Input/output error (injected fsync failure)");
    }
    file.force(metaData);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return file.read(dst);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    return file.read(dsts, offset, length);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return file.read(dst, position);
  }

  @Override
  public long position() throws IOException {
    return file.position();
  }

  @Override
  public FileChannel position(long newPosition) throws IOException {
    file.position(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    return file.size();
  }

  @Override
  public FileChannel truncate(long size) throws IOException {
    if (faults.failTruncates.get()) {
      throw new IOException("Input/output error (injected truncate failure)");
    }
    file.truncate(size);
    return this;
  }

  @Override
  public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return file.transferTo(position, count, target);
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    return file.transferFrom(src, position, count);
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
    return file.map(mode, position, size);
  }

  @Override
  public FileLock lock(long position, long size, boolean shared) throws IOException {
    return file.lock(position, size, shared);
  }

  @Override
  public FileLock tryLock(long position, long size, boolean shared) throws IOException {
    return file.tryLock(position, size, shared);
  }

  @Override
  protected void implCloseChannel() throws IOException {
    CountDownLatch gate = faults.closeGate.get();
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    file.close();
  }
}
