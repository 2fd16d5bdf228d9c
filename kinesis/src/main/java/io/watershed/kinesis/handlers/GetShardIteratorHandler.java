package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.SequenceNumbers;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.PartitionLog;
import io.watershed.log.TimestampOffset;
import java.util.concurrent.CompletableFuture;

/**
 * GetShardIterator: an iterator at the shard's log start (TRIM_HORIZON), its end (LATEST; for a
 * closed shard, where it closed), a sequence number (AT_/AFTER_SEQUENCE_NUMBER; a number below the
 * log start starts there) or the first record at or after a time (AT_TIMESTAMP). Runs on the io
 * pool: finding a time may read index files.
 */
final class GetShardIteratorHandler implements OperationHandler {
  private final KinesisContext ctx;

  GetShardIteratorHandler(KinesisContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String operation() {
    return "GetShardIterator";
  }

  @Override
  public CompletableFuture<ObjectNode> handle(KinesisRequest req) {
    String shardId = req.requireString("ShardId");
    String type = req.requireString("ShardIteratorType");
    String seq = req.string("StartingSequenceNumber");
    Long timestamp = req.timestampMillis("Timestamp");
    StreamEntry s = ctx.requireReadyStream(req);
    ShardEntry shard = ctx.requireShard(s, shardId);
    checkPosition(type, seq, timestamp, ctx.now());
    return Shapes.onIo(
        ctx,
        () -> {
          long offset = startOffset(ctx, s, shard, type, seq, timestamp, "GetShardIterator");
          ObjectNode out = req.newObject();
          out.put(
              "ShardIterator",
              Tokens.iterator(ctx.now(), shard.partition(), offset, s.topicId(), s.name()));
          return out;
        });
  }

  /**
   * Checks that a position gives what its type needs and nothing it refuses, as Kinesis checks it
   * once the stream and shard are found: a sequence number exactly for AT_ and
   * AFTER_SEQUENCE_NUMBER, a timestamp not in the future for AT_TIMESTAMP. (The type itself is one
   * of the five: {@link io.watershed.kinesis.RequestShapes} checked it.)
   *
   * @throws KinesisException InvalidArgumentException
   */
  static void checkPosition(String type, String seq, Long timestamp, long nowMillis) {
    boolean bySequence = type.equals("AT_SEQUENCE_NUMBER") || type.equals("AFTER_SEQUENCE_NUMBER");
    if (bySequence && seq == null) {
      throw KinesisException.invalidArgument(
          "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and"
              + " StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no"
              + " StartingSequenceNumber. Request specified "
              + type
              + " and no StartingSequenceNumber.");
    }
    if ((type.equals("TRIM_HORIZON") || type.equals("LATEST")) && seq != null) {
      throw KinesisException.invalidArgument(
          "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and"
              + " StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no"
              + " StartingSequenceNumber. Request specified "
              + type
              + " and also a StartingSequenceNumber.");
    }
    if (type.equals("AT_TIMESTAMP")) {
      if (timestamp == null) {
        throw KinesisException.invalidArgument(
            "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP."
                + " Current request has no timestamp parameter.");
      }
      if (timestamp > nowMillis) {
        throw KinesisException.invalidArgument(
            "The timestampInMillis parameter cannot be greater than the"
                + " currentTimestampInMillis. timestampInMillis: "
                + timestamp
                + ", currentTimestampInMillis: "
                + nowMillis);
      }
    }
  }

  /**
   * The offset a position names in a shard: its log start (TRIM_HORIZON), its end (LATEST; for a
   * closed shard, where it closed), a sequence number (AT_/AFTER_SEQUENCE_NUMBER; one below the log
   * start starts there) or the first record at or after a time (AT_TIMESTAMP). Blocking: finding a
   * time may read index files.
   */
  static long startOffset(
      KinesisContext ctx,
      StreamEntry s,
      ShardEntry shard,
      String type,
      String seq,
      Long timestamp,
      String operation) {
    PartitionLog log = ctx.log(s, shard.partition());
    long start = log.logStartOffset();
    long end = shard.isClosed() ? shard.endOffset() : log.logEndOffset();
    return switch (type) {
      case "TRIM_HORIZON" -> start;
      case "LATEST" -> end;
      case "AT_TIMESTAMP" -> {
        TimestampOffset found = log.offsetForTimestamp(timestamp);
        yield found == null ? end : Math.max(start, Math.min(found.offset(), end));
      }
      default -> {
        SequenceNumbers.Parsed p = SequenceNumbers.parse(seq);
        String where =
            "StartingSequenceNumber "
                + seq
                + " used in "
                + operation
                + " on shard "
                + shard.shardId()
                + " in stream "
                + s.name()
                + " under account "
                + ctx.settings().accountId()
                + " is invalid";
        if (p == null) {
          throw KinesisException.invalidArgument(
              where + " because it did not come from this stream.");
        }
        if (p.partition() != shard.partition()) {
          throw KinesisException.invalidArgument(
              "Invalid StartingSequenceNumber. It encodes "
                  + ShardEntry.shardId(p.partition())
                  + ", while it was used in a call to a shard with "
                  + shard.shardId());
        }
        if (p.position() > end) {
          throw KinesisException.invalidArgument(where + ".");
        }
        long o = type.equals("AT_SEQUENCE_NUMBER") ? p.atOffset() : p.afterOffset();
        yield Math.max(start, Math.min(o, end));
      }
    };
  }
}
