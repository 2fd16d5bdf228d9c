package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.BodyEncoding;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.SequenceNumbers;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.LogDamagedException;
import io.watershed.log.LogSlice;
import io.watershed.log.OffsetOutOfRangeException;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a shard's records for GetRecords and SubscribeToShard: every record is one Kafka record;
 * its key is the partition key (empty when a Kafka producer sent none), its value the data, its
 * timestamp the ApproximateArrivalTimestamp. Control batches (Kafka transaction markers) are
 * skipped. A closed shard is read up to the end it closed at. Blocking: call it on the io pool.
 */
final class ShardReader {
  /** Bytes asked of the log per read. */
  static final int READ_BYTES = 1024 * 1024;

  private ShardReader() {}

  /**
   * Records read, where the next read starts, and whether the shard is finished.
   *
   * @param records the records, in offset order
   * @param next the offset after the last record returned (or skipped)
   * @param logEnd the log end offset seen
   * @param atShardEnd the shard is closed and {@code next} is its end: there is nothing more
   * @param bytes the data and key bytes of the records
   */
  record Batch(List<Record> records, long next, long logEnd, boolean atShardEnd, long bytes) {
    /** How far the last record returned is behind the log's newest, in milliseconds. */
    long millisBehind(long now) {
      return next >= logEnd || records.isEmpty()
          ? 0
          : Math.max(0, now - records.getLast().timestamp());
    }
  }

  /**
   * At most {@code limit} records and about {@code maxBytes} of data from {@code from}. Records
   * before a damaged range are returned; a read that starts in one fails.
   *
   * @throws KinesisException InternalFailureException naming the damaged range when the read starts
   *     in a range of {@code shard}'s log that the log has fenced as damaged
   */
  static Batch read(
      PartitionLog log, String stream, ShardEntry shard, long from, int limit, int maxBytes) {
    long logEnd = log.logEndOffset();
    long end = shard.isClosed() ? Math.min(shard.endOffset(), logEnd) : logEnd;
    long offset = Math.max(from, log.logStartOffset());
    List<Record> records = new ArrayList<>();
    int bytes = 0;
    while (offset < end && records.size() < limit && bytes < maxBytes) {
      ByteBuffer batches;
      try (LogSlice slice = log.read(offset, READ_BYTES)) {
        if (slice.isEmpty()) {
          break;
        }
        batches = slice.readWholeBatches();
      } catch (OffsetOutOfRangeException e) {
        long start = log.logStartOffset();
        if (offset < start) {
          offset = start;
          continue;
        }
        break;
      } catch (LogDamagedException e) {
        if (!records.isEmpty()) {
          break; // serve what lies before the damage; the next read starts in it and reports it
        }
        throw damaged(stream, shard, e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (!batches.hasRemaining()) {
        break;
      }
      int at = batches.position();
      long next = offset;
      while (at < batches.limit() && records.size() < limit && bytes < maxBytes) {
        int size = RecordBatchLayout.sizeInBytes(batches, at);
        long last = RecordBatchLayout.lastOffset(batches, at);
        if (last >= offset && !RecordBatchLayout.isControl(batches, at)) {
          for (Record r : RecordLayout.readRecords(batches, at)) {
            if (r.offset() < offset || r.offset() >= end) {
              continue;
            }
            if (records.size() >= limit || bytes >= maxBytes) {
              break;
            }
            records.add(r);
            bytes += (r.value() == null ? 0 : r.value().remaining()) + 64;
            next = r.offset() + 1;
          }
        }
        if (records.size() < limit && bytes < maxBytes) {
          next = Math.max(next, last + 1);
        }
        at += size;
      }
      if (next == offset) {
        break;
      }
      offset = Math.min(next, end);
    }
    long data = 0;
    for (Record r : records) {
      data +=
          (r.value() == null ? 0 : r.value().remaining())
              + (r.key() == null ? 0 : r.key().remaining());
    }
    return new Batch(records, offset, logEnd, shard.isClosed() && offset >= end, data);
  }

  /**
   * The answer to a read of a damaged range: the records there failed verification on disk and the
   * log serves none of them until an operator repairs the shard, so retrying cannot help. It is an
   * InternalFailureException (500: the fault is the server's, not the request's) whose message
   * names the range in sequence numbers and how to read on past it.
   */
  static KinesisException damaged(String stream, ShardEntry shard, LogDamagedException e) {
    int p = shard.partition();
    String first = SequenceNumbers.of(p, e.firstOffset());
    boolean endKnown = e.endOffset() > e.firstOffset();
    String range =
        endKnown
            ? "the records with sequence numbers "
                + first
                + " to "
                + SequenceNumbers.of(p, e.endOffset() - 1)
            : "the records from sequence number " + first + " on";
    return KinesisException.internalFailure(
        "Shard "
            + shard.shardId()
            + " in stream "
            + stream
            + " cannot be read here: "
            + range
            + " are damaged on the server's disk and fenced off. Retrying will not help"
            + (endKnown
                ? "; read on after the range with a shard iterator of type AFTER_SEQUENCE_NUMBER"
                    + " at "
                    + SequenceNumbers.of(p, e.endOffset() - 1)
                    + ", or have an operator repair the shard."
                : "; an operator must repair the shard."));
  }

  /** The API's Record structures of {@code records}, in {@code encoding}, for {@code putPOJO}. */
  static StreamedArray records(BodyEncoding encoding, int partition, List<Record> records) {
    return new StreamedArray(
        g -> {
          for (Record r : records) {
            g.writeStartObject();
            g.writeStringField("SequenceNumber", SequenceNumbers.of(partition, r.offset()));
            g.writeFieldName("ApproximateArrivalTimestamp");
            encoding.writeTimestamp(g, r.timestamp());
            g.writeFieldName("Data");
            writeBytes(g, r.value(), false);
            g.writeFieldName("PartitionKey");
            writeBytes(g, r.key(), true);
            g.writeEndObject();
          }
        });
  }

  /** Writes a record's value as a blob, or its key as a UTF-8 string (empty when absent). */
  private static void writeBytes(JsonGenerator g, ByteBuffer b, boolean utf8) throws IOException {
    byte[] array;
    int offset;
    int length;
    if (b == null) {
      array = new byte[0];
      offset = 0;
      length = 0;
    } else if (b.hasArray()) {
      array = b.array();
      offset = b.arrayOffset() + b.position();
      length = b.remaining();
    } else {
      array = new byte[b.remaining()];
      b.duplicate().get(array);
      offset = 0;
      length = array.length;
    }
    if (utf8) {
      g.writeUTF8String(array, offset, length);
    } else {
      g.writeBinary(array, offset, length);
    }
  }

  /** The API's ChildShard structures: the shards that took over a closed shard's hash keys. */
  static void childShards(ArrayNode children, StreamEntry s, ShardEntry shard) {
    for (ShardEntry c : s.children(shard.partition())) {
      ObjectNode o = children.addObject();
      o.put("ShardId", c.shardId());
      ArrayNode parents = o.putArray("ParentShards");
      parents.add(ShardEntry.shardId(c.parent()));
      if (c.adjacentParent() >= 0) {
        parents.add(ShardEntry.shardId(c.adjacentParent()));
      }
      Shapes.hashKeyRange(o.putObject("HashKeyRange"), c);
    }
  }
}
