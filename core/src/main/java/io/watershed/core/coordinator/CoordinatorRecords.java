package io.watershed.core.coordinator;

import io.watershed.log.format.CompressionType;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchBuilder;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How coordinator records are stored: ordinary keyed Kafka records in the shard's partition of
 * {@link CoordinatorTopic#NAME}, so that compaction keeps the latest record of every key and
 * partition replication carries them like any other record.
 *
 * <table>
 *   <caption>A coordinator record</caption>
 *   <tr><th>record part</th><th>content</th></tr>
 *   <tr><td>offset</td><td>its place in the shard's history; replay follows it</td></tr>
 *   <tr><td>timestamp (CreateTime)</td><td>the runtime's clock when written, ms since the
 *       epoch</td></tr>
 *   <tr><td>key</td><td>the namespaced key below</td></tr>
 *   <tr><td>value</td><td>the namespace's bytes; null is a tombstone (the key's state is
 *       removed, and compaction removes the key after {@code delete.retention.ms})</td></tr>
 *   <tr><td>headers</td><td>none</td></tr>
 * </table>
 *
 * <table>
 *   <caption>The namespaced key</caption>
 *   <tr><th>offset</th><th>width</th><th>field</th></tr>
 *   <tr><td>0</td><td>1</td><td>key format, {@value #KEY_FORMAT}</td></tr>
 *   <tr><td>1</td><td>1</td><td>namespace length n, 1 to {@value #MAX_NAMESPACE_LENGTH}</td></tr>
 *   <tr><td>2</td><td>n</td><td>namespace, ASCII {@code [a-z0-9._-]}, e.g. {@code
 *       kinesis.catalog}</td></tr>
 *   <tr><td>2 + n</td><td>k</td><td>the namespace's key, 1 to {@value #MAX_KEY_BYTES}
 *       bytes</td></tr>
 * </table>
 *
 * One write's records go in one uncompressed v2 batch (no producer id), so they are appended
 * atomically; a group commit puts several writes' records in that one batch, in the writes' order.
 * A record whose key does not follow this layout, or has another key format, is damage: the shard
 * refuses to load rather than guess.
 */
public final class CoordinatorRecords {
  /** The only key format so far; a reader refuses any other. */
  public static final int KEY_FORMAT = 0;

  public static final int MAX_NAMESPACE_LENGTH = 64;

  /** The longest namespace key, bytes (a Kafka group id is a string of about this bound). */
  public static final int MAX_KEY_BYTES = 32 * 1024;

  /**
   * Bytes a record adds to a batch beyond its key and value, at most: length, attributes, timestamp
   * and offset deltas, key and value lengths, header count, as varints.
   */
  static final int RECORD_OVERHEAD = 5 + 1 + 10 + 5 + 5 + 5 + 5;

  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9._-]{1,64}");

  private CoordinatorRecords() {}

  /**
   * Checks a namespace name.
   *
   * @throws IllegalArgumentException when it is not 1 to 64 of {@code [a-z0-9._-]}
   */
  static byte[] namespaceBytes(String namespace) {
    if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
      throw new IllegalArgumentException(
          "a coordinator namespace is 1 to "
              + MAX_NAMESPACE_LENGTH
              + " of [a-z0-9._-], not '"
              + namespace
              + "'");
    }
    return namespace.getBytes(StandardCharsets.US_ASCII);
  }

  /** The stored key of {@code key} in namespace {@code ns} (from {@link #namespaceBytes}). */
  static byte[] storedKey(byte[] ns, byte[] key) {
    byte[] out = new byte[2 + ns.length + key.length];
    out[0] = KEY_FORMAT;
    out[1] = (byte) ns.length;
    System.arraycopy(ns, 0, out, 2, ns.length);
    System.arraycopy(key, 0, out, 2 + ns.length, key.length);
    return out;
  }

  /** Bytes {@code r} takes in a batch of namespace {@code ns}, at most. */
  static int sizeInBatch(byte[] ns, CoordinatorRecord r) {
    return RECORD_OVERHEAD
        + 2
        + ns.length
        + r.key().length
        + (r.isTombstone() ? 0 : r.value().length);
  }

  /** A record to write: its namespace and its record. */
  record Stored(byte[] namespace, CoordinatorRecord record) {}

  /** One batch holding {@code records} in order, stamped {@code timestampMs}. */
  static ByteBuffer batch(List<Stored> records, long timestampMs) {
    RecordBatchBuilder b = RecordBatchBuilder.create(CompressionType.NONE);
    for (Stored s : records) {
      b.append(
          timestampMs, storedKey(s.namespace(), s.record().key()), s.record().value(), List.of());
    }
    return b.build();
  }

  /** A record read from a shard's log: its offset, namespace and the namespace's key and value. */
  record Replayed(long offset, String namespace, byte[] key, byte[] value) {}

  /** Receives the records read from a shard's log. */
  @FunctionalInterface
  interface ReplayConsumer {
    void accept(Replayed record);
  }

  /**
   * Hands every record of the whole batches in {@code batches} with an offset in [from, to) to
   * {@code consumer}, in offset order.
   *
   * @return the offset after the last record or batch looked at, at most {@code to}
   * @throws CoordinatorException LOAD_FAILED when a record's key breaks the layout
   */
  static long forEachRecord(ByteBuffer batches, long from, long to, ReplayConsumer consumer) {
    long next = from;
    int at = batches.position();
    while (at < batches.limit()) {
      for (Record r : RecordLayout.readRecords(batches, at)) {
        if (r.offset() >= from && r.offset() < to) {
          consumer.accept(decode(r));
          next = r.offset() + 1;
        }
      }
      next = Math.max(next, Math.min(to, RecordBatchLayout.lastOffset(batches, at) + 1));
      if (next >= to) {
        return to;
      }
      at += RecordBatchLayout.sizeInBytes(batches, at);
    }
    return next;
  }

  private static Replayed decode(Record r) {
    ByteBuffer k = r.key();
    if (k == null || k.remaining() < 4) {
      throw damaged(r, "its key is missing or shorter than 4 bytes");
    }
    k = k.duplicate();
    int format = k.get() & 0xff;
    if (format != KEY_FORMAT) {
      throw damaged(r, "its key format is " + format + ", not " + KEY_FORMAT);
    }
    int n = k.get() & 0xff;
    if (n < 1 || n > MAX_NAMESPACE_LENGTH || k.remaining() <= n) {
      throw damaged(r, "its namespace length " + n + " does not fit the key");
    }
    byte[] ns = new byte[n];
    k.get(ns);
    byte[] key = new byte[k.remaining()];
    k.get(key);
    return new Replayed(r.offset(), new String(ns, StandardCharsets.US_ASCII), key, r.valueBytes());
  }

  private static CoordinatorException damaged(Record r, String why) {
    return new CoordinatorException(
        CoordinatorException.Reason.LOAD_FAILED,
        "the coordinator record at offset " + r.offset() + " is not readable: " + why);
  }
}
