package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.KinesisRequest;
import io.watershed.kinesis.OperationHandler;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.LogConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Retention (Increase/DecreaseStreamRetentionPeriod: the topic's {@code retention.ms} follows, so
 * the log deletes what is older), encryption (Start/StopStreamEncryption: accepted and reported;
 * records are stored as they are, since the log has no KMS) and enhanced monitoring
 * (Enable/DisableEnhancedMonitoring: the metric names are kept and reported).
 */
final class StreamSettingsHandlers {
  static final int MIN_RETENTION_HOURS = 24;
  static final int MAX_RETENTION_HOURS = 8760;
  static final List<String> METRICS =
      List.of(
          "IncomingBytes",
          "IncomingRecords",
          "OutgoingBytes",
          "OutgoingRecords",
          "WriteProvisionedThroughputExceeded",
          "ReadProvisionedThroughputExceeded",
          "IteratorAgeMilliseconds");

  private final KinesisContext ctx;

  private StreamSettingsHandlers(KinesisContext ctx) {
    this.ctx = ctx;
  }

  static List<OperationHandler> all(KinesisContext ctx) {
    StreamSettingsHandlers h = new StreamSettingsHandlers(ctx);
    return List.of(
        new SimpleOperation("IncreaseStreamRetentionPeriod", r -> h.retention(r, true)),
        new SimpleOperation("DecreaseStreamRetentionPeriod", r -> h.retention(r, false)),
        new SimpleOperation("StartStreamEncryption", r -> h.encryption(r, true)),
        new SimpleOperation("StopStreamEncryption", r -> h.encryption(r, false)),
        new SimpleOperation("EnableEnhancedMonitoring", r -> h.monitoring(r, true)),
        new SimpleOperation("DisableEnhancedMonitoring", r -> h.monitoring(r, false)));
  }

  private CompletableFuture<ObjectNode> retention(KinesisRequest req, boolean increase) {
    String name = ctx.streamName(req);
    int hours = req.intInRange("RetentionPeriodHours", 1, 1_000_000, -1);
    if (hours < 0) {
      throw KinesisRequest.missing("RetentionPeriodHours");
    }
    if (hours < MIN_RETENTION_HOURS) {
      throw KinesisException.invalidArgument(
          "Minimum allowed retention period is 24 hours. Requested retention period ("
              + hours
              + " hours) is too short.");
    }
    if (hours > MAX_RETENTION_HOURS) {
      throw KinesisException.invalidArgument(
          "Maximum allowed retention period is 8760 hours. Requested retention period ("
              + hours
              + " hours) is too long.");
    }
    StreamEntry s = ctx.requireReadyStream(req);
    checkDirection(s, hours, increase);
    return ctx.topics()
        .alterConfigs(
            name, Map.of(LogConfig.RETENTION_MS, Long.toString(hours * 3_600_000L)), Set.of())
        .thenCompose(
            ignored ->
                ctx.change(
                    name,
                    current -> {
                      checkDirection(current, hours, increase);
                      return current.with(b -> b.retentionHours = hours);
                    }))
        .thenApply(ignored -> req.newObject());
  }

  private static void checkDirection(StreamEntry s, int hours, boolean increase) {
    if (increase && hours < s.retentionHours()) {
      throw KinesisException.invalidArgument(
          "Requested retention period ("
              + hours
              + " hours) for stream "
              + s.name()
              + " can not be shorter than existing retention period ("
              + s.retentionHours()
              + " hours). Use DecreaseRetentionPeriod API.");
    }
    if (!increase && hours > s.retentionHours()) {
      throw KinesisException.invalidArgument(
          "Requested retention period ("
              + hours
              + " hours) for stream "
              + s.name()
              + " can not be longer than existing retention period ("
              + s.retentionHours()
              + " hours). Use IncreaseRetentionPeriod API.");
    }
  }

  private CompletableFuture<ObjectNode> encryption(KinesisRequest req, boolean start) {
    String name = ctx.streamName(req);
    String type = req.requireString("EncryptionType");
    String keyId = req.requireString("KeyId");
    if (!type.equals("KMS") && !type.equals("NONE")) {
      throw KinesisException.validation(
          "1 validation error detected: Value '"
              + type
              + "' at 'encryptionType' failed to satisfy constraint: Member must satisfy enum"
              + " value set: [KMS, NONE]");
    }
    if (keyId.isEmpty() || keyId.length() > 2048) {
      throw KinesisException.validation(
          "1 validation error detected: Value at 'keyId' failed to satisfy constraint: Member"
              + " must have length between 1 and 2048");
    }
    if (!type.equals("KMS")) {
      throw KinesisException.invalidArgument(
          "Encryption type " + type + " is not supported; use KMS.");
    }
    return ctx.change(
            name,
            s ->
                s.with(
                    b -> {
                      b.encryptionType = start ? "KMS" : "NONE";
                      b.keyId = start ? keyId : null;
                    }))
        .thenApply(ignored -> req.newObject());
  }

  private CompletableFuture<ObjectNode> monitoring(KinesisRequest req, boolean enable) {
    String name = ctx.streamName(req);
    JsonNode list = req.member("ShardLevelMetrics");
    if (list == null) {
      throw KinesisRequest.missing("ShardLevelMetrics");
    }
    if (!list.isArray() || list.isEmpty() || list.size() > 7) {
      throw KinesisException.validation(
          "1 validation error detected: Value at 'shardLevelMetrics' failed to satisfy"
              + " constraint: Member must have length between 1 and 7");
    }
    SortedSet<String> asked = new TreeSet<>();
    for (JsonNode m : list) {
      String metric = m.isTextual() ? m.textValue() : String.valueOf(m);
      if (metric.equals("ALL")) {
        asked.addAll(METRICS);
      } else if (METRICS.contains(metric)) {
        asked.add(metric);
      } else {
        throw KinesisException.validation(
            "1 validation error detected: Value '["
                + metric
                + "]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy"
                + " constraint: [Member must satisfy enum value set: [IncomingBytes,"
                + " OutgoingRecords, IteratorAgeMilliseconds, IncomingRecords,"
                + " ReadProvisionedThroughputExceeded, WriteProvisionedThroughputExceeded,"
                + " OutgoingBytes, ALL]]");
      }
    }
    SortedSet<String> before = new TreeSet<>();
    return ctx.change(
            name,
            s -> {
              before.addAll(s.shardLevelMetrics());
              return s.with(
                  b -> {
                    if (enable) {
                      b.shardLevelMetrics.addAll(asked);
                    } else {
                      b.shardLevelMetrics.removeAll(asked);
                    }
                  });
            })
        .thenApply(
            s -> {
              ObjectNode out = req.newObject();
              out.put("StreamName", s.name());
              out.put("StreamARN", ctx.arn(s.name()));
              ArrayNode current = out.putArray("CurrentShardLevelMetrics");
              before.forEach(current::add);
              ArrayNode desired = out.putArray("DesiredShardLevelMetrics");
              s.shardLevelMetrics().forEach(desired::add);
              return out;
            });
  }
}
