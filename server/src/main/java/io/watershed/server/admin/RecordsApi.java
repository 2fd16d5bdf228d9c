package io.watershed.server.admin;

import io.watershed.core.group.CommittedOffset;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.kafka.group.ActiveMembersException;
import io.watershed.log.PartitionLog;
import io.watershed.log.TimestampOffset;
import io.watershed.log.format.Record;
import io.watershed.server.http.Request;
import io.watershed.server.http.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Reading records: {@code GET /api/v1/topics/{topic}/partitions/{partition}/records} browses one
 * partition from an offset, a timestamp or its tail; {@code GET /api/v1/topics/{topic}/records}
 * consumes the whole topic (or one partition) from the earliest or latest offset, a timestamp,
 * given positions, or a consumer group's committed offsets — then commits where it got to — with an
 * optional long poll.
 */
final class RecordsApi {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  /** Most bytes of batches one request reads. */
  static final long MAX_READ_BYTES = 8L << 20;

  static final long MAX_WAIT_MS = 30_000;
  private static final long POLL_MS = 100;

  private final AdminContext ctx;
  private final TopicsApi topics;
  private final Executor executor;

  RecordsApi(AdminContext ctx, TopicsApi topics, Executor executor) {
    this.ctx = ctx;
    this.topics = topics;
    this.executor = executor;
  }

  void register(Router routes, ApiHandlers h) {
    routes.get("/api/v1/topics/{topic}/partitions/{partition}/records", h.blocking(this::browse));
    routes.get("/api/v1/topics/{topic}/records", h.async(this::consume));
  }

  private PartitionLog partition(TopicMetadata t, int p) {
    return ctx.topics()
        .partition(t.name(), p)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    "topic '"
                        + t.name()
                        + "' has no partition "
                        + p
                        + " (0 to "
                        + (t.partitionCount() - 1)
                        + ")"));
  }

  private Object browse(Request r) {
    TopicMetadata t = topics.topic(r);
    int p = Params.partition(r);
    PartitionLog log = partition(t, p);
    int limit = (int) Params.integer(r, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    ValueFormat format = ValueFormat.of(Params.choice(r, "format", "auto", ValueFormat.NAMES));
    Long offset = Params.optionalInteger(r, "offset", 0, Long.MAX_VALUE);
    Long timestamp = Params.optionalInteger(r, "timestamp", 0, Long.MAX_VALUE);
    boolean tail = Params.bool(r, "tail", false);
    if ((offset != null ? 1 : 0) + (timestamp != null ? 1 : 0) + (tail ? 1 : 0) > 1) {
      throw ApiException.badRequest("give at most one of 'offset', 'timestamp' and 'tail'");
    }
    long from;
    if (offset != null) {
      from = offset;
    } else if (timestamp != null) {
      TimestampOffset found = log.offsetForTimestamp(timestamp);
      from = found == null ? log.logEndOffset() : found.offset();
    } else if (tail) {
      from = Math.max(log.logStartOffset(), log.logEndOffset() - limit);
    } else {
      from = log.logStartOffset();
    }
    PartitionReader.Result read = PartitionReader.read(log, from, limit, MAX_READ_BYTES);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topic", t.name());
    m.put("partition", p);
    m.put("startOffset", log.logStartOffset());
    m.put("endOffset", log.logEndOffset());
    m.put("from", read.from());
    m.put("nextOffset", read.next());
    List<Map<String, Object>> records = new ArrayList<>();
    for (Record rec : read.records()) {
      records.add(RecordJson.of(p, rec, format));
    }
    m.put("records", records);
    return m;
  }

  /** Where a consume starts, by partition. */
  private Map<Integer, Long> startPositions(Request r, TopicMetadata t, String group) {
    String positions = r.queryParam("positions");
    Long partition = Params.optionalInteger(r, "partition", 0, t.partitionCount() - 1L);
    Long offset = Params.optionalInteger(r, "offset", 0, Long.MAX_VALUE);
    Long timestamp = Params.optionalInteger(r, "timestamp", 0, Long.MAX_VALUE);
    String from = Params.choice(r, "from", "earliest", "earliest", "latest");
    if (offset != null && partition == null) {
      throw ApiException.badRequest("'offset' needs 'partition'");
    }
    Map<Integer, Long> out = new TreeMap<>();
    if (positions != null && !positions.isBlank()) {
      for (String pair : positions.split(",")) {
        String[] pv = pair.strip().split(":");
        try {
          int p = Integer.parseInt(pv[0]);
          long o = Long.parseLong(pv[1]);
          if (pv.length != 2 || p < 0 || p >= t.partitionCount() || o < 0) {
            throw new NumberFormatException();
          }
          out.put(p, o);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
          throw ApiException.badRequest(
              "'positions' must be partition:offset pairs separated by commas, not '"
                  + positions
                  + "'");
        }
      }
      return out;
    }
    for (int p = 0; p < t.partitionCount(); p++) {
      if (partition != null && partition != p) {
        continue;
      }
      PartitionLog log = partition(t, p);
      Long committed =
          group == null
              ? null
              : ctx.kafkaGroups()
                  .committed(group, t.name(), p)
                  .map(CommittedOffset::offset)
                  .orElse(null);
      long start;
      if (offset != null) {
        start = offset;
      } else if (committed != null) {
        start = committed;
      } else if (timestamp != null) {
        TimestampOffset found = log.offsetForTimestamp(timestamp);
        start = found == null ? log.logEndOffset() : found.offset();
      } else {
        start = from.equals("latest") ? log.logEndOffset() : log.logStartOffset();
      }
      out.put(p, start);
    }
    return out;
  }

  private CompletionStage<?> consume(Request r) {
    TopicMetadata t = topics.topic(r);
    String group = r.queryParam("group");
    if (group != null && group.isBlank()) {
      throw ApiException.badRequest("'group' must not be empty");
    }
    int limit = (int) Params.integer(r, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    long waitMs = Params.integer(r, "waitMs", 0, 0, MAX_WAIT_MS);
    ValueFormat format = ValueFormat.of(Params.choice(r, "format", "auto", ValueFormat.NAMES));
    Map<Integer, Long> start = startPositions(r, t, group);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
    CompletableFuture<Map<String, Object>> out = new CompletableFuture<>();
    poll(t, start, limit, format, deadline, out);
    if (group == null) {
      return out;
    }
    return out.thenCompose(answer -> commit(group, t, start, answer));
  }

  /** Reads; when nothing is there and the wait is not over, tries again a little later. */
  private void poll(
      TopicMetadata t,
      Map<Integer, Long> start,
      int limit,
      ValueFormat format,
      long deadline,
      CompletableFuture<Map<String, Object>> out) {
    try {
      Map<String, Object> answer = readAll(t, start, limit, format);
      boolean empty = ((List<?>) answer.get("records")).isEmpty();
      if (!empty || System.nanoTime() - deadline >= 0) {
        out.complete(answer);
        return;
      }
      CompletableFuture.delayedExecutor(POLL_MS, TimeUnit.MILLISECONDS, executor)
          .execute(() -> poll(t, start, limit, format, deadline, out));
    } catch (RuntimeException e) {
      out.completeExceptionally(e);
    }
  }

  /** Up to {@code limit} records, taken from the partitions in turn. */
  private Map<String, Object> readAll(
      TopicMetadata t, Map<Integer, Long> start, int limit, ValueFormat format) {
    Map<Integer, Long> next = new TreeMap<>(start);
    List<Map<String, Object>> records = new ArrayList<>();
    long bytes = 0;
    boolean progress = true;
    int share = Math.max(1, limit / Math.max(1, start.size()));
    while (records.size() < limit && bytes < MAX_READ_BYTES && progress) {
      progress = false;
      for (Map.Entry<Integer, Long> e : next.entrySet()) {
        int want = Math.min(share, limit - records.size());
        if (want <= 0) {
          break;
        }
        PartitionLog log = partition(t, e.getKey());
        PartitionReader.Result read =
            PartitionReader.read(log, e.getValue(), want, MAX_READ_BYTES - bytes);
        for (Record rec : read.records()) {
          records.add(RecordJson.of(e.getKey(), rec, format));
        }
        // Consuming through the API delivers records as a Kafka fetch does (browsing does not).
        log.traffic().delivered(read.records().size(), read.bytes());
        bytes += read.bytes();
        progress |= read.next() != e.getValue();
        e.setValue(read.next());
      }
      share = Math.max(1, limit - records.size());
    }
    Map<String, Object> positions = new LinkedHashMap<>();
    next.forEach((p, o) -> positions.put(String.valueOf(p), o));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("topic", t.name());
    m.put("records", records);
    m.put("positions", positions);
    return m;
  }

  /** Commits the group's new positions, as a consumer with auto-commit would. */
  private CompletionStage<Map<String, Object>> commit(
      String group, TopicMetadata t, Map<Integer, Long> start, Map<String, Object> answer) {
    List<PartitionOffset> offsets = new ArrayList<>();
    long now = System.currentTimeMillis();
    @SuppressWarnings("unchecked")
    Map<String, Object> positions = (Map<String, Object>) answer.get("positions");
    positions.forEach(
        (p, o) -> {
          int partition = Integer.parseInt(p);
          long offset = (Long) o;
          boolean hadCommit = ctx.kafkaGroups().committed(group, t.name(), partition).isPresent();
          if (offset != start.get(partition) || !hadCommit) {
            offsets.add(
                new PartitionOffset(
                    t.name(),
                    partition,
                    new CommittedOffset(offset, CommittedOffset.NO_LEADER_EPOCH, "", now)));
          }
        });
    answer.put("group", group);
    if (offsets.isEmpty()) {
      return CompletableFuture.completedFuture(answer);
    }
    return ctx.kafkaGroups()
        .resetOffsets(group, offsets)
        .handle(
            (ok, error) -> {
              if (error != null) {
                if (ApiHandlers.unwrap(error) instanceof ActiveMembersException a) {
                  throw ApiException.conflict(
                      a.getMessage()
                          + " (a Kafka consumer group with members commits its own"
                          + " offsets)");
                }
                throw new java.util.concurrent.CompletionException(error);
              }
              return answer;
            });
  }
}
