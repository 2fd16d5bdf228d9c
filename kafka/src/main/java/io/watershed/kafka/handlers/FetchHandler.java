package io.watershed.kafka.handlers;

import io.watershed.core.metadata.TopicMetadata;
import io.watershed.kafka.ApiHandler;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.KafkaErrors;
import io.watershed.kafka.KafkaRequest;
import io.watershed.kafka.LogSliceRecords;
import io.watershed.kafka.SliceRecordCount;
import io.watershed.log.AppendWaiters;
import io.watershed.log.LogSlice;
import io.watershed.log.OffsetOutOfRangeException;
import io.watershed.log.PartitionLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchRequestData.ForgottenTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Fetch: records served from the segment files with zero copy, up to {@code max_bytes} in all and
 * {@code partition_max_bytes} per partition (the first batch of the first partition with data is
 * always whole, KIP-74); long polls wait up to {@code max_wait_ms} for {@code min_bytes}, woken by
 * appends; fetch sessions (KIP-227) let consumers of many partitions send only what changed.
 *
 * <p>The high watermark is the log end offset (one replica); with no transactions the last stable
 * offset equals it, so {@code read_committed} and {@code read_uncommitted} read the same. Reads may
 * touch the disk: they run on the broker's I/O threads, never on an event loop.
 */
final class FetchHandler implements ApiHandler {
  private final KafkaBroker broker;
  private final FetchSessions sessions;
  private final AppendWaiters waiters;

  FetchHandler(KafkaBroker broker, FetchSessions sessions, AppendWaiters waiters) {
    this.broker = broker;
    this.sessions = sessions;
    this.waiters = waiters;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.FETCH;
  }

  /** What the response must cover: partitions, and whether only changed ones are included. */
  private record Plan(
      List<FetchSessions.CachedPartition> partitions,
      FetchSessions.Session session,
      boolean incremental,
      Errors error) {}

  @Override
  public CompletableFuture<AbstractResponse> handle(KafkaRequest request) {
    FetchRequestData req = request.body(FetchRequest.class).data();
    short version = request.version();
    Plan plan = plan(req, version);
    CompletableFuture<AbstractResponse> response = new CompletableFuture<>();
    if (plan.error != Errors.NONE) {
      response.complete(
          FetchResponse.of(
              new FetchResponseData()
                  .setErrorCode(plan.error.code())
                  .setSessionId(FetchMetadata.INVALID_SESSION_ID)));
      return response;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, req.maxWaitMs()));
    Attempt attempt = new Attempt(request, req, plan, deadline, response);
    broker.io().execute(attempt);
    if (req.maxWaitMs() > 0) {
      request.eventLoop().schedule(attempt::expire, req.maxWaitMs(), TimeUnit.MILLISECONDS);
    }
    return response;
  }

  // ---- sessions -------------------------------------------------------------------------------

  private Plan plan(FetchRequestData req, short version) {
    FetchMetadata meta =
        version >= 7
            ? new FetchMetadata(req.sessionId(), req.sessionEpoch())
            : FetchMetadata.LEGACY;
    List<FetchSessions.CachedPartition> asked = new ArrayList<>();
    for (FetchTopic ft : req.topics()) {
      TopicIdPartition[] keys = keysOf(ft, version);
      int i = 0;
      for (FetchPartition fp : ft.partitions()) {
        asked.add(
            new FetchSessions.CachedPartition(keys[i++], fp.fetchOffset(), fp.partitionMaxBytes()));
      }
    }
    if (meta.isFull()) {
      if (meta.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
        sessions.remove(meta.sessionId());
      }
      if (version >= 7 && meta.epoch() == FetchMetadata.INITIAL_EPOCH && !asked.isEmpty()) {
        FetchSessions.Session s = sessions.create();
        synchronized (s) {
          for (FetchSessions.CachedPartition p : asked) {
            s.partitions.put(p.key, p);
          }
        }
        return new Plan(asked, s, false, Errors.NONE);
      }
      return new Plan(asked, null, false, Errors.NONE);
    }
    FetchSessions.Session s = sessions.get(meta.sessionId());
    if (s == null) {
      return new Plan(List.of(), null, true, Errors.FETCH_SESSION_ID_NOT_FOUND);
    }
    synchronized (s) {
      if (s.nextEpoch != meta.epoch()) {
        return new Plan(List.of(), null, true, Errors.INVALID_FETCH_SESSION_EPOCH);
      }
      for (FetchSessions.CachedPartition p : asked) {
        FetchSessions.CachedPartition cached = s.partitions.get(p.key);
        if (cached == null) {
          s.partitions.put(p.key, p);
        } else {
          cached.fetchOffset = p.fetchOffset;
          cached.maxBytes = p.maxBytes;
        }
      }
      for (ForgottenTopic forgotten : req.forgottenTopicsData()) {
        String name = forgotten.topic();
        Uuid id = forgotten.topicId();
        s.partitions
            .keySet()
            .removeIf(
                k ->
                    forgotten.partitions().contains(k.partition())
                        && (version >= 13 ? k.topicId().equals(id) : name.equals(k.topic())));
      }
      s.nextEpoch = FetchSessions.nextEpoch(s.nextEpoch);
      return new Plan(new ArrayList<>(s.partitions.values()), s, true, Errors.NONE);
    }
  }

  private TopicIdPartition[] keysOf(FetchTopic ft, short version) {
    String name = ft.topic();
    Uuid id = ft.topicId();
    if (version >= 13) {
      name = broker.topic(id).map(TopicMetadata::name).orElse(null);
    } else {
      id =
          broker
              .topics()
              .describe(name)
              .map(t -> KafkaBroker.toKafka(t.topicId()))
              .orElse(Uuid.ZERO_UUID);
    }
    TopicIdPartition[] keys = new TopicIdPartition[ft.partitions().size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = new TopicIdPartition(id, ft.partitions().get(i).partition(), name);
    }
    return keys;
  }

  // ---- reading and waiting --------------------------------------------------------------------

  /** One partition's answer in an attempt. */
  private record Answer(
      FetchSessions.CachedPartition cached, PartitionData data, LogSlice slice, PartitionLog log) {}

  /**
   * Reads, answers when there is enough data (or the wait is over), otherwise waits for the next
   * append to any of the partitions and reads again. Runs on the I/O threads.
   */
  private final class Attempt implements Runnable {
    private final KafkaRequest request;
    private final FetchRequestData req;
    private final Plan plan;
    private final long deadline;
    private final CompletableFuture<AbstractResponse> response;
    private final AtomicBoolean queued = new AtomicBoolean(true);
    private volatile boolean expired;

    /** Partitions whose appends wake this attempt; used under the attempt's lock only. */
    private final List<PartitionLog> waitingOn = new ArrayList<>();

    private final Runnable wake = this::wake;

    Attempt(
        KafkaRequest request,
        FetchRequestData req,
        Plan plan,
        long deadline,
        CompletableFuture<AbstractResponse> response) {
      this.request = request;
      this.req = req;
      this.plan = plan;
      this.deadline = deadline;
      this.response = response;
    }

    void expire() {
      expired = true;
      wake();
    }

    private void wake() {
      if (!response.isDone() && queued.compareAndSet(false, true)) {
        broker.io().execute(this);
      }
    }

    /**
     * One attempt at a time: a wake during an attempt (an append to a partition it waits on) queues
     * the next one at once, on another io thread, and the two share {@link #waitingOn}; the lock
     * makes the second wait for the first, then look again.
     */
    @Override
    public synchronized void run() {
      queued.set(false);
      if (response.isDone()) {
        return;
      }
      try {
        attempt();
      } catch (RuntimeException e) {
        response.completeExceptionally(e);
      }
    }

    private void attempt() {
      List<Answer> answers = read();
      int bytes = 0;
      boolean errors = false;
      for (Answer a : answers) {
        bytes += a.slice == null ? 0 : a.slice.size();
        errors |= a.data.errorCode() != Errors.NONE.code();
      }
      boolean last = expired || System.nanoTime() - deadline >= 0;
      if (bytes >= req.minBytes() || errors || last || req.maxWaitMs() <= 0) {
        stopWaiting();
        if (!response.complete(respond(answers))) {
          release(answers);
        }
        return;
      }
      release(answers);
      // Register before checking again, so that an append in between is not missed.
      for (Answer a : answers) {
        broker
            .topics()
            .partition(a.cached.key.topic(), a.cached.key.partition())
            .ifPresent(
                log -> {
                  waitingOn.add(log);
                  waiters.await(log, wake);
                });
      }
      for (Answer a : answers) {
        Optional<PartitionLog> log =
            broker.topics().partition(a.cached.key.topic(), a.cached.key.partition());
        if (log.isPresent() && log.get().logEndOffset() > a.cached.fetchOffset) {
          wake();
          break;
        }
      }
    }

    private void stopWaiting() {
      for (PartitionLog log : waitingOn) {
        waiters.cancel(log, wake);
      }
      waitingOn.clear();
    }

    private List<Answer> read() {
      List<Answer> answers = new ArrayList<>(plan.partitions.size());
      int budget = req.maxBytes() > 0 ? req.maxBytes() : Integer.MAX_VALUE;
      boolean haveData = false;
      for (FetchSessions.CachedPartition p : plan.partitions) {
        PartitionData pd = new PartitionData().setPartitionIndex(p.key.partition());
        LogSlice slice = null;
        PartitionLog partitionLog = null;
        if (p.key.topic() == null) {
          pd.setErrorCode(
              (request.version() >= 13
                      ? Errors.UNKNOWN_TOPIC_ID
                      : Errors.UNKNOWN_TOPIC_OR_PARTITION)
                  .code());
        } else {
          Optional<PartitionLog> log = broker.topics().partition(p.key.topic(), p.key.partition());
          if (log.isEmpty()) {
            pd.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
          } else {
            try {
              int limit = Math.min(p.maxBytes, budget);
              if (limit > 0 || !haveData) {
                slice = log.get().read(p.fetchOffset, Math.max(0, limit), !haveData);
                budget -= slice.size();
                haveData |= !slice.isEmpty();
              }
              pd.setErrorCode(Errors.NONE.code());
            } catch (OffsetOutOfRangeException e) {
              pd.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
            } catch (RuntimeException e) {
              // This partition's error only, the others are served: a fenced damaged range
              // (LogDamagedException) is CORRUPT_MESSAGE, a failed read KAFKA_STORAGE_ERROR.
              pd.setErrorCode(KafkaErrors.errorOf(e).code());
            }
            PartitionLog l = log.get();
            partitionLog = l;
            long end = l.logEndOffset();
            pd.setHighWatermark(end).setLastStableOffset(end).setLogStartOffset(l.logStartOffset());
          }
        }
        if (pd.errorCode() != Errors.NONE.code()) {
          pd.setHighWatermark(FetchResponse.INVALID_HIGH_WATERMARK)
              .setLastStableOffset(FetchResponse.INVALID_LAST_STABLE_OFFSET)
              .setLogStartOffset(FetchResponse.INVALID_LOG_START_OFFSET);
        }
        pd.setPreferredReadReplica(FetchResponse.INVALID_PREFERRED_REPLICA_ID);
        if (req.isolationLevel() == IsolationLevel.READ_COMMITTED.id()) {
          pd.setAbortedTransactions(List.of());
        } else {
          pd.setAbortedTransactions(null);
        }
        answers.add(new Answer(p, pd, slice, partitionLog));
      }
      return answers;
    }

    private FetchResponse respond(List<Answer> answers) {
      Map<String, FetchableTopicResponse> topics = new LinkedHashMap<>();
      boolean v13 = request.version() >= 13;
      for (Answer a : answers) {
        PartitionData pd = a.data;
        boolean hasRecords = a.slice != null && !a.slice.isEmpty();
        if (plan.incremental) {
          boolean changed =
              hasRecords
                  || pd.errorCode() != Errors.NONE.code()
                  || pd.highWatermark() != a.cached.highWatermark
                  || pd.logStartOffset() != a.cached.logStartOffset;
          if (!changed) {
            if (a.slice != null) {
              a.slice.close();
            }
            continue;
          }
        }
        if (plan.session != null) {
          synchronized (plan.session) {
            a.cached.highWatermark = pd.highWatermark();
            a.cached.logStartOffset = pd.logStartOffset();
            if (plan.incremental && hasRecords) {
              // As Kafka does: a partition that returned data goes to the end of the session's
              // order, so that under a byte limit the next fetches serve the others first and no
              // partition with a backlog starves the rest.
              plan.session.partitions.remove(a.cached.key);
              plan.session.partitions.put(a.cached.key, a.cached);
            }
          }
        }
        if (hasRecords) {
          a.log
              .traffic()
              .delivered(SliceRecordCount.count(a.slice, a.cached.fetchOffset), a.slice.size());
          pd.setRecords(new LogSliceRecords(a.slice));
        } else {
          if (a.slice != null) {
            a.slice.close();
          }
          pd.setRecords(MemoryRecords.EMPTY);
        }
        TopicIdPartition key = a.cached.key;
        String group = v13 ? key.topicId().toString() : String.valueOf(key.topic());
        topics
            .computeIfAbsent(
                group,
                g ->
                    new FetchableTopicResponse()
                        .setTopic(v13 ? "" : key.topic())
                        .setTopicId(key.topicId()))
            .partitions()
            .add(pd);
      }
      FetchResponseData data =
          new FetchResponseData()
              .setThrottleTimeMs(0)
              .setErrorCode(Errors.NONE.code())
              .setSessionId(
                  plan.session == null ? FetchMetadata.INVALID_SESSION_ID : plan.session.id)
              .setResponses(new ArrayList<>(topics.values()));
      return FetchResponse.of(data);
    }

    private void release(List<Answer> answers) {
      for (Answer a : answers) {
        if (a.slice != null) {
          a.slice.close();
        }
      }
    }
  }
}
