package io.watershed.kinesis;

import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.AppendOptions;
import io.watershed.log.AppendResult;
import io.watershed.log.LogClosedException;
import io.watershed.log.LogStorageException;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.CompressionType;
import io.watershed.log.format.RecordBatchBuilder;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routing and appending records for PutRecord and PutRecords. A record becomes one Kafka record:
 * key = partition key in UTF-8, value = the data, timestamp = arrival time. Records for one shard
 * go into as few batches as fit in {@link #MAX_BATCH_BYTES}, appended durably in request order, so
 * their sequence numbers follow that order.
 *
 * <p>Appends are counted per shard while in flight, and routing is checked again once counted, so
 * that a resharding which closes a shard can wait for what was routed to it before fixing its end.
 */
public final class PutSupport {
  private static final Logger LOG = LoggerFactory.getLogger(PutSupport.class);

  /** Largest data plus partition key of one record (Kinesis: 1 MiB). */
  public static final int MAX_RECORD_BYTES = 1024 * 1024;

  /** Payload bytes per batch; a single larger record still gets a batch of its own. */
  public static final int MAX_BATCH_BYTES = 1024 * 1024;

  private PutSupport() {}

  /**
   * One record to put.
   *
   * @param size its data and UTF-8 partition key, in bytes, as Kinesis counts a record's size
   */
  public record Entry(byte[] data, String partitionKey, BigInteger hashKey, int size) {}

  /**
   * Where a record landed, or why it did not.
   *
   * @param error null when stored; else what PutRecord answers, from which PutRecords takes its
   *     per-record ErrorCode ({@link #errorCode}) and ErrorMessage
   */
  public record Outcome(int partition, long offset, KinesisException error) {
    public boolean failed() {
      return error != null;
    }

    /**
     * PutRecords' ErrorCode: the API allows only ProvisionedThroughputExceededException and
     * InternalFailure per record, so every failure but throttling is InternalFailure.
     */
    public String errorCode() {
      return error.errorType().equals(THROUGHPUT_EXCEEDED)
          ? THROUGHPUT_EXCEEDED
          : "InternalFailure";
    }

    public String errorMessage() {
      return error.getMessage();
    }
  }

  private static final String THROUGHPUT_EXCEEDED = "ProvisionedThroughputExceededException";

  /**
   * Reads and checks one record's members ({@code Data}, {@code PartitionKey}, {@code
   * ExplicitHashKey}) from {@code node}.
   */
  public static Entry entry(KinesisRequest request, com.fasterxml.jackson.databind.JsonNode node) {
    com.fasterxml.jackson.databind.JsonNode dataNode = KinesisRequest.member(node, "Data");
    if (dataNode == null) {
      throw KinesisRequest.missing("Data");
    }
    byte[] data = request.encoding().blob(dataNode, "Data");
    String key = KinesisRequest.string(node, "PartitionKey");
    if (key == null) {
      throw KinesisRequest.missing("PartitionKey");
    }
    if (key.isEmpty() || key.length() > 256) {
      throw KinesisException.validation(
          "1 validation error detected: Value '"
              + key
              + "' at 'partitionKey' failed to satisfy constraint: Member must have length"
              + " between 1 and 256");
    }
    int size = data.length + key.getBytes(StandardCharsets.UTF_8).length;
    if (size > MAX_RECORD_BYTES) {
      throw KinesisException.validation(
          "1 validation error detected: Value at 'data' failed to satisfy constraint: Member must"
              + " have length less than or equal to "
              + MAX_RECORD_BYTES);
    }
    String explicit = KinesisRequest.string(node, "ExplicitHashKey");
    BigInteger hash =
        explicit != null ? HashKeys.parseExplicit(explicit) : HashKeys.ofPartitionKey(key);
    return new Entry(data, key, hash, size);
  }

  /** The open shard whose range holds {@code hash}; {@code open} is ordered by first hash key. */
  static ShardEntry route(List<ShardEntry> open, BigInteger hash) {
    int lo = 0;
    int hi = open.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      ShardEntry s = open.get(mid);
      if (s.endingHashKey().compareTo(hash) < 0) {
        lo = mid + 1;
      } else if (s.startingHashKey().compareTo(hash) > 0) {
        hi = mid - 1;
      } else {
        return s;
      }
    }
    throw KinesisException.internalFailure("no open shard holds hash key " + hash);
  }

  /**
   * Appends {@code entries} to the open shards of {@code stream}, durably.
   *
   * @param replies where the outcomes are handed over (the connection's event loop), so that the
   *     log's threads do not build responses
   * @return one outcome per entry, in order; a failed shard append fails only its records
   */
  public static CompletableFuture<Outcome[]> append(
      KinesisContext ctx, StreamEntry stream, List<Entry> entries, Executor replies) {
    if (ctx.opened(stream)) {
      return appendNow(ctx, stream, entries, replies);
    }
    // The first append to a partition since the start may load it from disk: not on an event loop.
    return CompletableFuture.supplyAsync(() -> appendNow(ctx, stream, entries, replies), ctx.io())
        .thenCompose(f -> f);
  }

  private static CompletableFuture<Outcome[]> appendNow(
      KinesisContext ctx, StreamEntry stream, List<Entry> entries, Executor replies) {
    String name = stream.name();
    Map<Integer, List<Integer>> byShard = null;
    StreamEntry current = stream;
    for (int attempt = 0; attempt < 100 && byShard == null; attempt++) {
      List<ShardEntry> open = current.openShards();
      if (open.isEmpty()) {
        throw ctx.notFound(name);
      }
      Map<Integer, List<Integer>> plan = new LinkedHashMap<>();
      for (int i = 0; i < entries.size(); i++) {
        int p = route(open, entries.get(i).hashKey()).partition();
        plan.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
      }
      plan.keySet().forEach(p -> ctx.appendStarted(name, p));
      StreamEntry again = ctx.stream(name).orElseThrow(() -> ctx.notFound(name));
      boolean stillOpen = true;
      for (int p : plan.keySet()) {
        ShardEntry s = again.shard(p);
        stillOpen &= s != null && s.isOpen();
      }
      if (stillOpen) {
        byShard = plan;
      } else {
        plan.keySet().forEach(p -> ctx.appendDone(name, p));
        current = again;
        Thread.onSpinWait();
      }
    }
    if (byShard == null) {
      throw KinesisException.internalFailure("the stream's shards kept changing; retry");
    }
    long now = ctx.now();
    Outcome[] outcomes = new Outcome[entries.size()];
    List<CompletableFuture<Void>> appends = new ArrayList<>();
    for (Map.Entry<Integer, List<Integer>> shard : byShard.entrySet()) {
      int p = shard.getKey();
      List<Integer> indexes = new ArrayList<>(shard.getValue());
      indexes.removeIf(
          i -> {
            Entry e = entries.get(i);
            if (ctx.limits().admitPut(name, p, e.size())) {
              return false;
            }
            outcomes[i] =
                new Outcome(
                    p,
                    -1,
                    KinesisException.throughputExceeded(
                        ThroughputLimits.message(
                            ShardEntry.shardId(p), name, ctx.settings().accountId())));
            return true;
          });
      List<CompletableFuture<Void>> shardAppends = new ArrayList<>();
      PartitionLog log;
      try {
        log = ctx.log(current, p);
      } catch (KinesisException e) {
        ctx.appendDone(name, p);
        KinesisException gone = appendFailure(ctx, name, p, e);
        for (int i : indexes) {
          outcomes[i] = new Outcome(p, -1, gone);
        }
        continue;
      }
      int from = 0;
      while (from < indexes.size()) {
        RecordBatchBuilder b = RecordBatchBuilder.create(CompressionType.NONE);
        int bytes = 0;
        int to = from;
        while (to < indexes.size()) {
          Entry e = entries.get(indexes.get(to));
          int size = e.size() + 16;
          if (to > from && bytes + size > MAX_BATCH_BYTES) {
            break;
          }
          bytes += size;
          b.append(now, e.partitionKey().getBytes(StandardCharsets.UTF_8), e.data(), List.of());
          to++;
        }
        List<Integer> members = indexes.subList(from, to);
        CompletableFuture<AppendResult> f;
        try {
          f = log.append(b.build(), AppendOptions.DURABLE);
          ctx.markOpened(log);
        } catch (RuntimeException e) {
          f = CompletableFuture.failedFuture(e);
        }
        shardAppends.add(
            f.handle(
                (r, err) -> {
                  KinesisException failure = err == null ? null : appendFailure(ctx, name, p, err);
                  for (int k = 0; k < members.size(); k++) {
                    int i = members.get(k);
                    outcomes[i] =
                        err == null
                            ? new Outcome(p, r.firstOffset() + k, null)
                            : new Outcome(p, -1, failure);
                  }
                  return null;
                }));
        from = to;
      }
      CompletableFuture<Void> all =
          CompletableFuture.allOf(shardAppends.toArray(CompletableFuture[]::new));
      all.whenComplete((r, err) -> ctx.appendDone(name, p));
      appends.add(all);
    }
    return CompletableFuture.allOf(appends.toArray(CompletableFuture[]::new))
        .thenApplyAsync(ignored -> outcomes, replies);
  }

  /**
   * What a client is told when a shard's log refuses an append.
   *
   * <p>A log whose write or fsync failed (a full or failing disk) refuses every write until it is
   * reopened, and one being closed (the server stopping, the stream being deleted) refuses them
   * too. Both are the server's condition, not the request's, and may pass: they are answered as AWS
   * answers a temporary failure of the server, ServiceUnavailable with HTTP 503 (one of its
   * documented common errors), which the AWS SDKs, boto3 and the KPL retry with back-off. In
   * PutRecords the per-record ErrorCode is InternalFailure, the one the API has for a failure that
   * is not throttling, which the KPL retries too. Anything else is an InternalFailureException
   * (500), logged here. No message names a Java class or a path of the server.
   */
  static KinesisException appendFailure(
      KinesisContext ctx, String stream, int partition, Throwable err) {
    Throwable c = err;
    while ((c instanceof CompletionException
            || c instanceof java.util.concurrent.ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof KinesisException k) {
      return k;
    }
    String shard =
        "Shard "
            + ShardEntry.shardId(partition)
            + " in stream "
            + stream
            + " under account "
            + ctx.settings().accountId();
    if (c instanceof LogStorageException) {
      LOG.warn("Kinesis append to {} {} refused by storage: {}", stream, shard, c.toString());
      return KinesisException.serviceUnavailable(
          shard
              + " cannot store records now: the server's storage refused the write (its disk is"
              + " full or failing). Retry later.");
    }
    if (c instanceof LogClosedException) {
      return KinesisException.serviceUnavailable(
          shard + " cannot store records now: it is being closed. Retry later.");
    }
    LOG.warn("Kinesis append to {} {} failed unexpectedly", stream, shard, c);
    return KinesisException.internalFailure("Internal service failure.");
  }
}
