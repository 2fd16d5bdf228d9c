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
    StreamEntry s = ctx.requireReadyStream(req);
    String shardId = req.requireString("ShardId");
    String type = req.requireString("ShardIteratorType");
    String seq = req.string("StartingSequenceNumber");
    Long timestamp = req.timestampMillis("Timestamp");
    checkPosition(type, seq, timestamp, "shardIteratorType");
    ShardEntry shard = ctx.requireShard(s, shardId);
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

  /** Checks a position type and that what it needs is given; {@code field} names it in errors. */
  static void checkPosition(String type, String seq, Long timestamp, String field) {
    switch (type) {
      case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER" -> {
        if (seq == null) {
          throw KinesisException.invalidArgument(
              "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and"
                  + " StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no"
                  + " StartingSequenceNumber. Request specified "
                  + type
                  + " and no StartingSequenceNumber.");
        }
      }
      case "AT_TIMESTAMP" -> {
        if (timestamp == null) {
          throw KinesisException.invalidArgument(
              "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP."
                  + " Current request has no timestamp parameter.");
        }
      }
      case "TRIM_HORIZON", "LATEST" -> {}
      default ->
          throw KinesisException.validation(
              "1 validation error detected: Value '"
                  + type
                  + "' at '"
                  + field
                  + "' failed to satisfy constraint: Member must satisfy"
                  + " enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, AT_TIMESTAMP,"
                  + " TRIM_HORIZON, LATEST]");
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
        if (p == null || p.partition() != shard.partition()) {
          throw KinesisException.invalidArgument(
              where + " because it did not come from this stream.");
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
