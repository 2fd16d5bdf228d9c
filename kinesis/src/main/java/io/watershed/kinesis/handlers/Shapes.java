package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.SequenceNumbers;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/** Response shapes shared by several operations (Shard, StreamModeDetails …) and small helpers. */
final class Shapes {
  private Shapes() {}

  /** The API's Shard structure. */
  static ObjectNode shard(ObjectNode o, ShardEntry s) {
    o.put("ShardId", s.shardId());
    if (s.parent() >= 0) {
      o.put("ParentShardId", ShardEntry.shardId(s.parent()));
    }
    if (s.adjacentParent() >= 0) {
      o.put("AdjacentParentShardId", ShardEntry.shardId(s.adjacentParent()));
    }
    hashKeyRange(o.putObject("HashKeyRange"), s);
    ObjectNode seq = o.putObject("SequenceNumberRange");
    seq.put("StartingSequenceNumber", SequenceNumbers.position(s.partition(), 0));
    if (s.isClosed()) {
      seq.put("EndingSequenceNumber", SequenceNumbers.position(s.partition(), s.endOffset()));
    }
    return o;
  }

  static void hashKeyRange(ObjectNode o, ShardEntry s) {
    o.put("StartingHashKey", s.startingHashKey().toString());
    o.put("EndingHashKey", s.endingHashKey().toString());
  }

  static void streamMode(ObjectNode o, StreamEntry s) {
    o.putObject("StreamModeDetails").put("StreamMode", s.mode());
  }

  static void enhancedMonitoring(ObjectNode o, StreamEntry s) {
    ArrayNode metrics = o.putArray("EnhancedMonitoring").addObject().putArray("ShardLevelMetrics");
    s.shardLevelMetrics().forEach(metrics::add);
  }

  static void encryption(ObjectNode o, StreamEntry s) {
    o.put("EncryptionType", s.encryptionType());
    if (s.keyId() != null) {
      o.put("KeyId", s.keyId());
    }
  }

  /** StreamSummary of ListStreams. */
  static void summary(ObjectNode o, KinesisContext ctx, KinesisRequest req, StreamEntry s) {
    o.put("StreamName", s.name());
    o.put("StreamARN", ctx.arn(s.name()));
    o.put("StreamStatus", s.status());
    streamMode(o, s);
    o.set("StreamCreationTimestamp", req.encoding().timestamp(s.createdMillis()));
  }

  /** Runs blocking work on the io pool; KinesisExceptions fail the future as they are. */
  static <T> CompletableFuture<T> onIo(KinesisContext ctx, Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, ctx.io());
  }

  /** Unchecked wrapper for IO failures inside {@link #onIo}. */
  static CompletionException io(java.io.IOException e) {
    return new CompletionException(e);
  }
}
