package io.watershed.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Idempotent-producer state of one partition, from the producer id, epoch and sequence numbers that
 * batches carry: for each producer id, its epoch and its last {@value #BATCHES_RETAINED} batches,
 * so that a retried batch is recognised and not written twice, and a gap in the sequence is
 * refused. Kafka's idempotent producer and Pulsar's message deduplication both map onto it.
 *
 * <p>Rules for a batch of producer {@code p}, epoch {@code e}, sequences {@code [first, last]}:
 *
 * <ol>
 *   <li>same epoch and the same sequences as one of the retained batches: a duplicate — not
 *       written; the append reports the original offsets;
 *   <li>{@code e} below the stored epoch: {@link ProducerFencedException};
 *   <li>{@code e} above the stored epoch: {@code first} must be 0;
 *   <li>same epoch: {@code first} must follow the last sequence (wrapping at {@link
 *       Integer#MAX_VALUE}), else {@link OutOfOrderSequenceException};
 *   <li>an unknown producer (new, or expired): any sequence starts its state.
 * </ol>
 *
 * <p>Threading: owned by the partition's writer (and by the loader before the partition is
 * published); not thread-safe.
 *
 * <pre>
 * Snapshot file {@code <offset, 20 digits>.producers} — the state as of that offset (big-endian):
 * | offset | width | field                                                       |
 * |--------|-------|-------------------------------------------------------------|
 * |      0 |     4 | magic 0x57535053 ("WSPS")                                   |
 * |      4 |     2 | version 1                                                   |
 * |      6 |     2 | reserved 0                                                  |
 * |      8 |     8 | offset the state is as of                                   |
 * |     16 |     4 | producer count                                              |
 * |     20 |     4 | CRC32C of everything after this field                       |
 * |     24 |     … | per producer: id int64, epoch int16, last timestamp int64,  |
 * |        |       | batch count int8, then per batch: first sequence int32,     |
 * |        |       | last sequence int32, first offset int64, last offset int64, |
 * |        |       | timestamp int64                                             |
 * </pre>
 */
final class ProducerStateTable {
  /** Batches remembered per producer: a client keeps at most five requests in flight. */
  static final int BATCHES_RETAINED = 5;

  static final int MAGIC = 0x57535053;
  static final String SUFFIX = ".producers";

  /** One appended batch of a producer. */
  record BatchInfo(
      int firstSequence, int lastSequence, long firstOffset, long lastOffset, long timestamp) {}

  private static final class Entry {
    short epoch;
    long lastTimestamp;
    final ArrayDeque<BatchInfo> batches = new ArrayDeque<>(BATCHES_RETAINED);
  }

  private final Map<Long, Entry> producers = new HashMap<>();

  int size() {
    return producers.size();
  }

  /** A deep copy, for a snapshot written on another thread. */
  ProducerStateTable copy() {
    ProducerStateTable c = new ProducerStateTable();
    for (Map.Entry<Long, Entry> p : producers.entrySet()) {
      Entry e = new Entry();
      e.epoch = p.getValue().epoch;
      e.lastTimestamp = p.getValue().lastTimestamp;
      e.batches.addAll(p.getValue().batches);
      c.producers.put(p.getKey(), e);
    }
    return c;
  }

  /**
   * Checks a batch against the state.
   *
   * @return the retained batch it duplicates, or null when it is new and may be appended
   * @throws ProducerFencedException when its epoch is older than the producer's
   * @throws OutOfOrderSequenceException when its first sequence does not follow on
   */
  BatchInfo check(long producerId, short epoch, int firstSequence, int lastSequence) {
    Entry e = producers.get(producerId);
    if (e == null) {
      return null;
    }
    if (epoch < e.epoch) {
      throw new ProducerFencedException(
          "producer " + producerId + " epoch " + epoch + " is older than the current " + e.epoch);
    }
    if (epoch > e.epoch) {
      if (firstSequence != 0) {
        throw new OutOfOrderSequenceException(
            "producer "
                + producerId
                + " began epoch "
                + epoch
                + " at sequence "
                + firstSequence
                + " instead of 0");
      }
      return null;
    }
    for (BatchInfo b : e.batches) {
      if (b.firstSequence == firstSequence && b.lastSequence == lastSequence) {
        return b;
      }
    }
    BatchInfo last = e.batches.peekLast();
    if (last != null && firstSequence != nextSequence(last.lastSequence)) {
      throw new OutOfOrderSequenceException(
          "producer "
              + producerId
              + " sent sequence "
              + firstSequence
              + " after "
              + last.lastSequence);
    }
    return null;
  }

  private static int nextSequence(int sequence) {
    return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
  }

  /** Records an appended batch. */
  void update(long producerId, short epoch, BatchInfo batch) {
    Entry e = producers.computeIfAbsent(producerId, id -> new Entry());
    if (epoch != e.epoch) {
      e.batches.clear();
      e.epoch = epoch;
    }
    if (e.batches.size() == BATCHES_RETAINED) {
      e.batches.removeFirst();
    }
    e.batches.addLast(batch);
    e.lastTimestamp = Math.max(e.lastTimestamp, batch.timestamp);
  }

  /** Forgets producers whose last batch is older than {@code cutoff} (ms since the epoch). */
  void expire(long cutoff) {
    producers.values().removeIf(e -> e.lastTimestamp < cutoff);
  }

  // ---- snapshots ------------------------------------------------------------------------------

  static Path snapshotPath(Path dir, long offset) {
    return dir.resolve(Segment.fileStem(offset) + SUFFIX);
  }

  /**
   * Writes the state as of {@code offset} (temp file, fsync unless there are no producers, rename).
   */
  void writeSnapshot(Path dir, long offset) throws IOException {
    int size = 24;
    for (Entry e : producers.values()) {
      size += 8 + 2 + 8 + 1 + e.batches.size() * (4 + 4 + 8 + 8 + 8);
    }
    ByteBuffer buf = ByteBuffer.allocate(size);
    buf.putInt(MAGIC).putShort((short) 1).putShort((short) 0).putLong(offset);
    buf.putInt(producers.size()).putInt(0);
    for (Map.Entry<Long, Entry> p : producers.entrySet()) {
      Entry e = p.getValue();
      buf.putLong(p.getKey())
          .putShort(e.epoch)
          .putLong(e.lastTimestamp)
          .put((byte) e.batches.size());
      for (BatchInfo b : e.batches) {
        buf.putInt(b.firstSequence)
            .putInt(b.lastSequence)
            .putLong(b.firstOffset)
            .putLong(b.lastOffset)
            .putLong(b.timestamp);
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 24, size - 24);
    buf.putInt(20, (int) crc.getValue());
    buf.flip();
    if (producers.isEmpty()) {
      // Nothing a replay could fail to find: if this is lost, the next load replays the log from
      // the previous snapshot (its CRC and offset are checked), so no fsync.
      DurableFiles.writeDerived(snapshotPath(dir, offset), buf);
    } else {
      // Producers' sequences may live on only here once retention deletes their segments.
      DurableFiles.writeAtomically(snapshotPath(dir, offset), buf, false);
    }
  }

  /**
   * Reads a snapshot; null when the file is missing or fails its checks (the caller then rebuilds
   * from an older snapshot or from the log).
   */
  static ProducerStateTable readSnapshot(Path file, long expectedOffset) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    if (bytes.length < 24
        || buf.getInt(0) != MAGIC
        || buf.getShort(4) != 1
        || buf.getLong(8) != expectedOffset) {
      return null;
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 24, bytes.length - 24);
    if (buf.getInt(20) != (int) crc.getValue()) {
      return null;
    }
    ProducerStateTable table = new ProducerStateTable();
    try {
      int count = buf.getInt(16);
      buf.position(24);
      for (int i = 0; i < count; i++) {
        long id = buf.getLong();
        Entry e = new Entry();
        e.epoch = buf.getShort();
        e.lastTimestamp = buf.getLong();
        int batches = buf.get();
        for (int b = 0; b < batches; b++) {
          e.batches.addLast(
              new BatchInfo(
                  buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
        }
        table.producers.put(id, e);
      }
    } catch (java.nio.BufferUnderflowException e) {
      return null;
    }
    return table;
  }
}
