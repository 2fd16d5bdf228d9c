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
    switch (type) {
      case "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER" -> {
        if (seq == null) {
          throw KinesisException.invalidArgument(
              "StartingSequenceNumber is required for ShardIteratorType " + type + ".");
        }
      }
      case "AT_TIMESTAMP" -> {
        if (timestamp == null) {
          throw KinesisException.invalidArgument(
              "Timestamp is required for ShardIteratorType AT_TIMESTAMP.");
        }
      }
      case "TRIM_HORIZON", "LATEST" -> {}
      default ->
          throw KinesisException.validation(
              "1 validation error detected: Value '"
                  + type
                  + "' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy"
                  + " enum value set: [AFTER_SEQUENCE_NUMBER, AT_SEQUENCE_NUMBER, AT_TIMESTAMP,"
                  + " TRIM_HORIZON, LATEST]");
    }
    ShardEntry shard = ctx.requireShard(s, shardId);
    return Shapes.onIo(
        ctx,
        () -> {
          PartitionLog log = ctx.log(s, shard.partition());
          long start = log.logStartOffset();
          long end = shard.isClosed() ? shard.endOffset() : log.logEndOffset();
          long offset =
              switch (type) {
                case "TRIM_HORIZON" -> start;
                case "LATEST" -> end;
                case "AT_TIMESTAMP" -> {
                  TimestampOffset found = log.offsetForTimestamp(timestamp);
                  yield found == null ? end : Math.min(found.offset(), end);
                }
                default -> {
                  SequenceNumbers.Parsed p = SequenceNumbers.parse(seq);
                  if (p == null || p.partition() != shard.partition()) {
                    throw KinesisException.invalidArgument(
                        "StartingSequenceNumber "
                            + seq
                            + " used in GetShardIterator on shard "
                            + shardId
                            + " in stream "
                            + s.name()
                            + " under account "
                            + ctx.settings().accountId()
                            + " is invalid because it did not come from this stream.");
                  }
                  long o = type.equals("AT_SEQUENCE_NUMBER") ? p.atOffset() : p.afterOffset();
                  if (p.position() > end) {
                    throw KinesisException.invalidArgument(
                        "StartingSequenceNumber "
                            + seq
                            + " used in GetShardIterator on shard "
                            + shardId
                            + " in stream "
                            + s.name()
                            + " under account "
                            + ctx.settings().accountId()
                            + " is invalid.");
                  }
                  yield Math.max(start, Math.min(o, end));
                }
              };
          ObjectNode out = req.newObject();
          out.put(
              "ShardIterator",
              Tokens.iterator(ctx.now(), shard.partition(), offset, s.topicId(), s.name()));
          return out;
        });
  }
}
