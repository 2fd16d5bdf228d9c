package io.watershed.kinesis.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.watershed.kinesis.BodyEncoding;
import io.watershed.kinesis.EventStream;
import io.watershed.kinesis.KinesisContext;
import io.watershed.kinesis.KinesisException;
import io.watershed.kinesis.SequenceNumbers;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import io.watershed.log.AppendWaiters;
import io.watershed.log.PartitionLog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * One SubscribeToShard event stream: an {@code initial-response} frame, then {@code
 * SubscribeToShardEvent} frames (JSON payloads: Records, ContinuationSequenceNumber,
 * MillisBehindLatest, and ChildShards at the end of a closed shard) as records arrive, an empty one
 * at least every {@link #HEARTBEAT_MS} so the client sees progress, until the subscription's
 * lifetime is over, the shard ends (the last event has ChildShards and no continuation number, as
 * Kinesis sends it), the consumer or the stream goes (an exception frame) or the client cancels.
 *
 * <p>Reads run on the io pool, one at a time; the next read waits until the previous event is
 * written, so a slow client holds back its own subscription (HTTP/2 flow control) and nothing else.
 * A caught-up subscription waits for an append to its partition or the heartbeat.
 */
final class ShardSubscription implements EventStream {
  private static final Logger LOG = LoggerFactory.getLogger(ShardSubscription.class);

  /** Longest silence between events. */
  static final long HEARTBEAT_MS = 1000;

  /** Most records and data bytes in one event. */
  static final int MAX_RECORDS = 10_000;

  static final int MAX_BYTES = 1024 * 1024;

  private final KinesisContext ctx;
  private final AppendWaiters waiters;
  private final Runnable onFinish;
  private final String stream;
  private final UUID topicId;
  private final int partition;
  private final String consumer;
  private final long startedMillis;
  private final AtomicBoolean waiting = new AtomicBoolean();
  private final Runnable wake = this::wake;
  private volatile boolean done;
  private volatile long next;
  private Channel channel;
  private Runnable onEnd;
  private long deadline;
  private long lastEventMillis;
  private PartitionLog waitedOn;
  private ScheduledFuture<?> timer;

  ShardSubscription(
      KinesisContext ctx,
      AppendWaiters waiters,
      Runnable onFinish,
      StreamEntry stream,
      int partition,
      String consumer,
      long offset) {
    this.ctx = ctx;
    this.waiters = waiters;
    this.onFinish = onFinish;
    this.stream = stream.name();
    this.topicId = stream.topicId();
    this.partition = partition;
    this.consumer = consumer;
    this.next = offset;
    this.startedMillis = ctx.now();
  }

  long startedMillis() {
    return startedMillis;
  }

  boolean isDone() {
    return done;
  }

  @Override
  public void start(Channel ch, Runnable onEnd) {
    channel = ch;
    this.onEnd = onEnd;
    deadline = startedMillis + ctx.settings().subscriptionLifetimeMs();
    lastEventMillis = ctx.now();
    ch.closeFuture().addListener(f -> finish());
    write(frame("event", "initial-response", new byte[] {'{', '}'}))
        .addListener(f -> afterWrite(f.isSuccess()));
  }

  /** Ends the stream now, as a newer subscription of the same consumer and shard takes over. */
  void terminate() {
    if (!done && channel != null) {
      channel.eventLoop().execute(this::end);
    }
  }

  private void afterWrite(boolean ok) {
    if (!ok) {
      finish();
    } else {
      schedulePump();
    }
  }

  private void schedulePump() {
    if (done) {
      return;
    }
    try {
      ctx.io().execute(this::pump);
    } catch (RejectedExecutionException e) {
      // The door is closing; its channels close with it.
      finish();
    }
  }

  private void pump() {
    try {
      if (done || !channel.isActive()) {
        finish();
        return;
      }
      long now = ctx.now();
      if (now >= deadline) {
        end();
        return;
      }
      StreamEntry s = ctx.stream(stream).filter(x -> topicId.equals(x.topicId())).orElse(null);
      if (s == null || s.consumer(consumer) == null) {
        fail(
            "ResourceNotFoundException",
            s == null ? ctx.notFound(stream).getMessage() : "Consumer " + consumer + " not found.");
        return;
      }
      ShardEntry shard = s.shard(partition);
      PartitionLog log = ctx.log(s, partition);
      ShardReader.Batch b = ShardReader.read(log, stream, shard, next, MAX_RECORDS, MAX_BYTES);
      if (b.records().isEmpty() && !b.atShardEnd() && now - lastEventMillis < HEARTBEAT_MS) {
        await(log, HEARTBEAT_MS - (now - lastEventMillis));
        return;
      }
      next = b.next();
      lastEventMillis = now;
      log.traffic().delivered(b.records().size(), b.bytes());
      ChannelFuture written = write(frame("event", "SubscribeToShardEvent", event(s, shard, b)));
      if (b.atShardEnd()) {
        written.addListener(f -> end());
      } else {
        written.addListener(f -> afterWrite(f.isSuccess()));
      }
    } catch (KinesisException e) {
      // A damaged range of the shard, named in the message; the subscriber decides where to go on.
      LOG.warn(
          "subscription to {} {} failed: {}",
          stream,
          ShardEntry.shardId(partition),
          e.getMessage());
      fail(e.errorType(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("subscription to {} {} failed", stream, ShardEntry.shardId(partition), e);
      fail("InternalFailureException", "Internal service failure.");
    }
  }

  private byte[] event(StreamEntry s, ShardEntry shard, ShardReader.Batch b) {
    ObjectNode o = BodyEncoding.JSON.mapper().createObjectNode();
    o.putPOJO("Records", ShardReader.records(BodyEncoding.JSON, partition, b.records()));
    if (b.atShardEnd()) {
      ShardReader.childShards(o.putArray("ChildShards"), s, shard);
    } else {
      o.put("ContinuationSequenceNumber", SequenceNumbers.position(partition, b.next()));
    }
    o.put("MillisBehindLatest", b.millisBehind(ctx.now()));
    return BodyEncoding.JSON.write(o);
  }

  /** Waits for an append, the heartbeat or the end of the lifetime, whichever comes first. */
  private void await(PartitionLog log, long maxWaitMs) {
    waiting.set(true);
    waitedOn = log;
    waiters.await(log, wake);
    long wait = Math.max(1, Math.min(maxWaitMs, deadline - ctx.now()));
    timer = channel.eventLoop().schedule(wake, wait, TimeUnit.MILLISECONDS);
    // An append between the read and the registration would otherwise go unnoticed.
    if (log.logEndOffset() > next) {
      wake();
    }
  }

  private void wake() {
    if (waiting.compareAndSet(true, false)) {
      waiters.cancel(waitedOn, wake);
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      schedulePump();
    }
  }

  private void fail(String type, String message) {
    ObjectNode o = BodyEncoding.JSON.mapper().createObjectNode().put("message", message);
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":message-type", HeaderValue.fromString("exception"));
    headers.put(":exception-type", HeaderValue.fromString(type));
    headers.put(":content-type", HeaderValue.fromString("application/json"));
    write(new Message(headers, BodyEncoding.JSON.write(o))).addListener(f -> end());
  }

  private void end() {
    if (!done) {
      finish();
      if (channel.isActive()) {
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> onEnd.run());
      } else {
        onEnd.run();
      }
    }
  }

  private void finish() {
    if (!done) {
      done = true;
      if (waitedOn != null) {
        waiters.cancel(waitedOn, wake);
      }
      ScheduledFuture<?> t = timer;
      if (t != null) {
        t.cancel(false);
      }
      onFinish.run();
    }
  }

  private static Message frame(String messageType, String eventType, byte[] payload) {
    Map<String, HeaderValue> headers = new LinkedHashMap<>();
    headers.put(":message-type", HeaderValue.fromString(messageType));
    headers.put(":event-type", HeaderValue.fromString(eventType));
    headers.put(":content-type", HeaderValue.fromString("application/json"));
    return new Message(headers, payload);
  }

  private ChannelFuture write(Message m) {
    return channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(m.toByteBuffer())));
  }
}
