package io.watershed.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps at most {@code maxOpen} segment files open, closing the least recently used idle ones, so
 * that a data dir with many thousands of partitions does not exhaust file descriptors.
 *
 * <p>A file in use (leased) is never closed; the pool may exceed its bound while more files than
 * that are leased at once. All methods are thread-safe; the lock is held only for bookkeeping and
 * for opening or closing the channel of a live file, never for I/O on one. Deleting a retired file
 * and closing its channel happen outside the lock: unlinking a large file whose pages are still in
 * the page cache, or closing its last descriptor, frees those pages and can take a good part of a
 * second, and every partition's writer takes this lock for each write.
 */
final class FileHandlePool {
  /** A segment's records file, opened on demand through the pool. */
  static final class SegmentFile {
    private volatile Path path;
    private FileChannel channel; // guarded by the pool
    private int leases; // guarded by the pool
    private boolean retired; // guarded by the pool

    SegmentFile(Path path) {
      this.path = path;
    }

    Path path() {
      return path;
    }
  }

  /** A lease on an open channel; close it to let the pool reuse or close the channel. */
  final class Lease implements AutoCloseable {
    private final SegmentFile file;
    private final FileChannel channel;
    private boolean released;

    private Lease(SegmentFile file, FileChannel channel) {
      this.file = file;
      this.channel = channel;
    }

    FileChannel channel() {
      return channel;
    }

    @Override
    public void close() {
      FileChannel toClose;
      synchronized (FileHandlePool.this) {
        if (released) {
          return;
        }
        released = true;
        toClose = release(file);
      }
      closeQuietly(toClose);
    }
  }

  /**
   * Opens a segment's records file for reading and writing. Production code uses {@link
   * #READ_WRITE}; tests substitute channels whose writes or fsyncs fail, to drive the log's
   * storage-failure paths on purpose.
   */
  @FunctionalInterface
  interface ChannelOpener {
    FileChannel open(Path path) throws IOException;
  }

  static final ChannelOpener READ_WRITE =
      path -> FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);

  private final int maxOpen;
  private final ChannelOpener opener;
  private boolean closed; // guarded by this: after closeAll, every released channel closes
  private final LinkedHashMap<SegmentFile, Boolean> open = new LinkedHashMap<>(64, 0.75f, true);

  FileHandlePool(int maxOpen) {
    this(maxOpen, READ_WRITE);
  }

  FileHandlePool(int maxOpen, ChannelOpener opener) {
    if (maxOpen < 1) {
      throw new IllegalArgumentException("maxOpen must be positive");
    }
    this.maxOpen = maxOpen;
    this.opener = opener;
  }

  /**
   * Leases an open channel on {@code file}, opening it if needed.
   *
   * @throws SegmentRetiredException when the file was deleted or replaced in the meantime
   */
  synchronized Lease acquire(SegmentFile file) throws IOException {
    if (file.retired) {
      throw new SegmentRetiredException(file.path);
    }
    if (file.channel == null) {
      file.channel = opener.open(file.path);
      evictIdle();
    }
    file.leases++;
    open.put(file, Boolean.TRUE);
    return new Lease(file, file.channel);
  }

  /**
   * Retires a file: no new lease is granted; its channel closes once the last lease is released.
   * When {@code unlink} is set the file is deleted from the directory now (open channels keep
   * reading it, as POSIX allows); otherwise its path may already name a replacement file.
   */
  void retire(SegmentFile file, boolean unlink) throws IOException {
    Path path;
    FileChannel toClose = null;
    synchronized (this) {
      file.retired = true;
      path = file.path;
      if (file.leases == 0) {
        toClose = detach(file);
      }
    }
    try {
      if (unlink) {
        Files.deleteIfExists(path);
      }
    } finally {
      closeQuietly(toClose);
    }
  }

  /** Moves the file to {@code target}, keeping any open channel valid. */
  synchronized void rename(SegmentFile file, Path target) throws IOException {
    Files.move(file.path, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    file.path = target;
  }

  /** Closes every idle channel; leased ones close when released. */
  synchronized void closeAll() {
    closed = true;
    for (Iterator<SegmentFile> it = open.keySet().iterator(); it.hasNext(); ) {
      SegmentFile f = it.next();
      if (f.leases == 0) {
        it.remove();
        closeQuietly(f);
      }
    }
  }

  synchronized int openCount() {
    return open.size();
  }

  /** Caller holds the lock; returns the channel to close (after releasing it), or null. */
  private FileChannel release(SegmentFile file) {
    file.leases--;
    if ((file.retired || closed) && file.leases == 0) {
      return detach(file);
    }
    return null;
  }

  /** Caller holds the lock: takes the file's channel out of the pool, for the caller to close. */
  private FileChannel detach(SegmentFile file) {
    open.remove(file);
    FileChannel ch = file.channel;
    file.channel = null;
    return ch;
  }

  private void evictIdle() {
    if (open.size() < maxOpen) {
      return;
    }
    for (Iterator<Map.Entry<SegmentFile, Boolean>> it = open.entrySet().iterator();
        it.hasNext() && open.size() >= maxOpen; ) {
      SegmentFile f = it.next().getKey();
      if (f.leases == 0) {
        it.remove();
        closeQuietly(f);
      }
    }
  }

  private static void closeQuietly(SegmentFile f) {
    closeQuietly(f.channel);
    f.channel = null;
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // Closing a read/write channel we no longer use; nothing to recover.
      }
    }
  }
}
