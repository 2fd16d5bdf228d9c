package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.SequenceNumbers;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.LogSlice;
import io.watershed.log.OffsetOutOfRangeException;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * GetRecords: up to {@code Limit} records (default and most 10,000) and about 10 MiB from the
 * iterator's offset, read on the io pool. Every record is one Kafka record; its key is the
 * partition key (empty when a Kafka producer sent none), its value the data, its timestamp the
 * ApproximateArrivalTimestamp. Control batches (Kafka transaction markers) are skipped.
 *
 * <p>NextShardIterator continues after the last record returned; at the end of a closed shard it is
 * absent and ChildShards name the shards that took over its hash keys. MillisBehindLatest is 0 at
 * the log end, else how old the last record returned is.
 */
final class GetRecordsHandler implements OperationHandler {
  static final int MAX_BYTES = 10 * 1024 * 1024;
  static final int READ_BYTES = 1024 * 1024;

  private final KinesisContext ctx;

  GetRecordsHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "GetRecords";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    String token = req.requireString("ShardIterator");
    int limit = req.intInRange("Limit", 1, 10_000, 10_000);
    Tokens.Iterator it = Tokens.parseIterator(token);
    long now = ctx.now();
    if (now - it.issuedMillis() > ctx.settings().iteratorLifetimeMs()) {
      throw KinesisException.expiredIterator(
          "Iterator expired. The iterator was created at time "
              + it.issuedMillis()
              + " while right now it is "
              + now
              + " which is further in the future than the tolerated delay of "
              + ctx.settings().iteratorLifetimeMs()
              + " milliseconds.");
    }
    StreamEntry s =
        ctx.stream(it.stream())
            .filter(x -> it.topicId().equals(x.topicId()))
            .orElseThrow(() -> ctx.notFound(it.stream()));
    ShardEntry shard = s.shard(it.partition());
    if (shard == null) {
      throw KinesisException.resourceNotFound(
          "Shard " + ShardEntry.shardId(it.partition()) + " in stream " + s.name() + " not found.");
    }
    return Shapes.onIo(ctx, () -> read(req, s, shard, it.offset(), limit));
  }

  private ObjectNode read(
      KinesisRequest req, StreamEntry s, ShardEntry shard, long from, int limit) {
    PartitionLog log = ctx.log(s, shard.partition());
    long logEnd = log.logEndOffset();
    long end = shard.isClosed() ? Math.min(shard.endOffset(), logEnd) : logEnd;
    long offset = Math.max(from, log.logStartOffset());
    List<Record> records = new ArrayList<>();
    int bytes = 0;
    while (offset < end && records.size() < limit && bytes < MAX_BYTES) {
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
      } catch (IOException e) {
        throw Shapes.io(e);
      }
      if (!batches.hasRemaining()) {
        break;
      }
      int at = batches.position();
      long next = offset;
      while (at < batches.limit() && records.size() < limit && bytes < MAX_BYTES) {
        int size = RecordBatchLayout.sizeInBytes(batches, at);
        long last = RecordBatchLayout.lastOffset(batches, at);
        if (last >= offset && !RecordBatchLayout.isControl(batches, at)) {
          for (Record r : RecordLayout.readRecords(batches, at)) {
            if (r.offset() < offset || r.offset() >= end) {
              continue;
            }
            if (records.size() >= limit || bytes >= MAX_BYTES) {
              break;
            }
            records.add(r);
            bytes += (r.value() == null ? 0 : r.value().remaining()) + 64;
            next = r.offset() + 1;
          }
        }
        if (records.size() < limit && bytes < MAX_BYTES) {
          next = Math.max(next, last + 1);
        }
        at += size;
      }
      if (next == offset) {
        break;
      }
      offset = Math.min(next, end);
    }
    ObjectNode out = req.newObject();
    ArrayNode list = out.putArray("Records");
    long lastTimestamp = -1;
    for (Record r : records) {
      ObjectNode o = list.addObject();
      o.put("SequenceNumber", SequenceNumbers.of(shard.partition(), r.offset()));
      o.set("ApproximateArrivalTimestamp", req.encoding().timestamp(r.timestamp()));
      o.put("Data", r.value() == null ? new byte[0] : r.valueBytes());
      o.put(
          "PartitionKey", r.key() == null ? "" : new String(r.keyBytes(), StandardCharsets.UTF_8));
      lastTimestamp = r.timestamp();
    }
    long now = ctx.now();
    if (shard.isClosed() && offset >= end) {
      ArrayNode children = out.putArray("ChildShards");
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
    } else {
      out.put(
          "NextShardIterator",
          Tokens.iterator(now, shard.partition(), offset, s.topicId(), s.name()));
    }
    out.put(
        "MillisBehindLatest",
        offset >= logEnd || lastTimestamp < 0 ? 0 : Math.max(0, now - lastTimestamp));
    return out;
  }
}
