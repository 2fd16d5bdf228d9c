package io.watershed.core.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.SstFileManager;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The durable per-stream index over the global log, in RocksDB: which id a stream has, its last
 * revision, and where each of its events is in {@code $all}. It is derived data: everything in it
 * can be rebuilt from the log, so it is written without RocksDB's write-ahead log and records in
 * the same atomic write how far into the log it reaches ({@link #indexedUpTo()}); after a crash the
 * store re-indexes the log from there.
 *
 * <table>
 *   <caption>Column families</caption>
 *   <tr><th>family</th><th>key</th><th>value</th></tr>
 *   <tr><td>{@code streams}</td><td>stream name, UTF-8</td><td>stream id (8) | last revision
 *       (8, -1 = none yet) | flags (1: bit 0 = tombstoned)</td></tr>
 *   <tr><td>{@code events}</td><td>stream id (8) | revision (8)</td><td>{@code $all}
 *       position (8); for a projection stream, the position of the event linked to</td></tr>
 *   <tr><td>{@code default}</td><td>{@code "checkpoint"}</td><td>next log offset to index (8)
 *       | next stream id (8)</td></tr>
 * </table>
 *
 * All integers big-endian, so keys sort by stream id then revision. Memory is bounded by the block
 * cache and the write buffers, not by the number of streams.
 */
final class StreamIndex implements AutoCloseable {
  /** A stream's row. */
  record StreamEntry(long id, long lastRevision, boolean tombstoned) {}

  /** One entry of a stream: its revision and the {@code $all} position it points at. */
  record Entry(long revision, long position) {}

  private static final byte[] CHECKPOINT = "checkpoint".getBytes(StandardCharsets.US_ASCII);
  private static final long BLOCK_CACHE_BYTES = 64L << 20;
  private static final long WRITE_BUFFER_BYTES = 32L << 20;

  static {
    RocksDB.loadLibrary();
  }

  private final LRUCache cache;
  private final DBOptions dbOptions;
  private final SstFileManager files;
  private final ColumnFamilyOptions streamsOptions;
  private final ColumnFamilyOptions eventsOptions;
  private final ColumnFamilyOptions defaultOptions;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private final ColumnFamilyHandle streams;
  private final ColumnFamilyHandle events;
  private final ColumnFamilyHandle meta;
  private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
  private long indexedUpTo;
  private long nextStreamId;

  private StreamIndex(Path dir) throws RocksDBException {
    cache = new LRUCache(BLOCK_CACHE_BYTES);
    streamsOptions = tableOptions(true);
    eventsOptions = tableOptions(false);
    defaultOptions = new ColumnFamilyOptions();
    // With a file manager RocksDB recovers by itself from a flush that failed for want of space,
    // once space is freed; without one it refuses writes until reopened.
    files = new SstFileManager(Env.getDefault());
    dbOptions =
        new DBOptions()
            .setSstFileManager(files)
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setMaxBackgroundJobs(2)
            .setKeepLogFileNum(2);
    List<ColumnFamilyDescriptor> descriptors =
        List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, defaultOptions),
            new ColumnFamilyDescriptor(bytes("streams"), streamsOptions),
            new ColumnFamilyDescriptor(bytes("events"), eventsOptions));
    handles = new ArrayList<>();
    db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
    meta = handles.get(0);
    streams = handles.get(1);
    events = handles.get(2);
    byte[] checkpoint = db.get(meta, CHECKPOINT);
    if (checkpoint != null && checkpoint.length == 16) {
      ByteBuffer b = ByteBuffer.wrap(checkpoint);
      indexedUpTo = b.getLong();
      nextStreamId = b.getLong();
    }
  }

  private ColumnFamilyOptions tableOptions(boolean pointLookups) {
    BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache);
    if (pointLookups) {
      table.setFilterPolicy(new BloomFilter(10));
    }
    return new ColumnFamilyOptions()
        .setTableFormatConfig(table)
        .setWriteBufferSize(WRITE_BUFFER_BYTES)
        .setCompressionType(CompressionType.LZ4_COMPRESSION);
  }

  /** Opens (creating if needed) the index in {@code dir}. */
  static StreamIndex open(Path dir) throws IOException {
    Files.createDirectories(dir);
    try {
      return new StreamIndex(dir);
    } catch (RocksDBException e) {
      throw new IOException("cannot open the stream index in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The next log offset to index: everything before it is in the index. */
  synchronized long indexedUpTo() {
    return indexedUpTo;
  }

  synchronized long nextStreamId() {
    return nextStreamId;
  }

  /** The stream's row, or null when the index has never seen it. */
  StreamEntry stream(String name) {
    try {
      byte[] v = db.get(streams, bytes(name));
      if (v == null) {
        return null;
      }
      ByteBuffer b = ByteBuffer.wrap(v);
      return new StreamEntry(b.getLong(), b.getLong(), (b.get() & 1) != 0);
    } catch (RocksDBException e) {
      throw new EventStoreException("stream index read failed: " + e.getMessage(), e);
    }
  }

  /** Where the stream's entry at {@code revision} points, or -1 when there is none. */
  long position(long streamId, long revision) {
    try {
      byte[] v = db.get(events, eventKey(streamId, revision));
      return v == null ? -1 : ByteBuffer.wrap(v).getLong();
    } catch (RocksDBException e) {
      throw new EventStoreException("stream index read failed: " + e.getMessage(), e);
    }
  }

  /**
   * Up to {@code max} entries of a stream starting at {@code fromRevision} (inclusive), in revision
   * order forwards or backwards.
   */
  List<Entry> entries(long streamId, long fromRevision, boolean forwards, int max) {
    List<Entry> out = new ArrayList<>(Math.min(max, 1024));
    try (ReadOptions ro = new ReadOptions().setPrefixSameAsStart(false);
        RocksIterator it = db.newIterator(events, ro)) {
      byte[] start = eventKey(streamId, fromRevision);
      if (forwards) {
        it.seek(start);
      } else {
        it.seekForPrev(start);
      }
      while (it.isValid() && out.size() < max) {
        ByteBuffer k = ByteBuffer.wrap(it.key());
        if (k.getLong() != streamId) {
          break;
        }
        out.add(new Entry(k.getLong(), ByteBuffer.wrap(it.value()).getLong()));
        if (forwards) {
          it.next();
        } else {
          it.prev();
        }
      }
    }
    return out;
  }

  /** Changes written together, with the new checkpoint, by {@link #commit}. */
  static final class Changes {
    private final WriteBatch batch = new WriteBatch();
    private final StreamIndex index;

    private Changes(StreamIndex index) {
      this.index = index;
    }

    void putStream(String name, StreamEntry e) {
      try {
        batch.put(
            index.streams,
            bytes(name),
            ByteBuffer.allocate(17)
                .putLong(e.id())
                .putLong(e.lastRevision())
                .put((byte) (e.tombstoned() ? 1 : 0))
                .array());
      } catch (RocksDBException ex) {
        throw new EventStoreException("stream index write failed: " + ex.getMessage(), ex);
      }
    }

    void putEntry(long streamId, long revision, long position) {
      try {
        batch.put(
            index.events,
            eventKey(streamId, revision),
            ByteBuffer.allocate(8).putLong(position).array());
      } catch (RocksDBException ex) {
        throw new EventStoreException("stream index write failed: " + ex.getMessage(), ex);
      }
    }
  }

  Changes changes() {
    return new Changes(this);
  }

  /** Writes {@code changes} and the new checkpoint atomically. */
  synchronized void commit(Changes changes, long newIndexedUpTo, long newNextStreamId) {
    try (WriteBatch b = changes.batch) {
      b.put(
          meta,
          CHECKPOINT,
          ByteBuffer.allocate(16).putLong(newIndexedUpTo).putLong(newNextStreamId).array());
      db.write(writeOptions, b);
      indexedUpTo = newIndexedUpTo;
      nextStreamId = newNextStreamId;
    } catch (RocksDBException e) {
      throw new EventStoreException("stream index write failed: " + e.getMessage(), e);
    }
  }

  /** Approximate bytes on disk and in memory tables, for operators. */
  long approximateSizeBytes() {
    try {
      long sst = 0;
      for (ColumnFamilyHandle h : handles) {
        sst += db.getLongProperty(h, "rocksdb.total-sst-files-size");
        sst += db.getLongProperty(h, "rocksdb.cur-size-all-mem-tables");
      }
      return sst;
    } catch (RocksDBException e) {
      return -1;
    }
  }

  @Override
  public synchronized void close() {
    try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
      db.flush(fo, handles);
    } catch (RocksDBException e) {
      // The checkpoint on disk is older than the memtables: the next open re-indexes the gap.
    }
    for (ColumnFamilyHandle h : handles) {
      h.close();
    }
    db.close();
    writeOptions.close();
    dbOptions.close();
    files.close();
    streamsOptions.close();
    eventsOptions.close();
    defaultOptions.close();
    cache.close();
  }

  private static byte[] eventKey(long streamId, long revision) {
    return ByteBuffer.allocate(16).putLong(streamId).putLong(revision).array();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
