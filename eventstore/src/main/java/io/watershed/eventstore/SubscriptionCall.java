package io.watershed.eventstore;

import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import io.watershed.core.stream.EventFilter;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.ResolvedEvent;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * A catch-up subscription ({@code Streams/Read} with {@code subscription}) to a stream or to {@code
 * $all}: a confirmation, then the history from the starting point, {@code caught_up} when it has
 * been read to the end, then every new event as it is appended, until the client goes away.
 *
 * <p>No gap and no duplicate across the switch to live: history and live events come from the same
 * cursor into the store, which only ever shows indexed events and resumes after the last one sent;
 * an append wakes the call after it is indexed. A slow client holds nothing in memory here: the
 * call just reads from the log when the client is ready for more.
 *
 * <p>Filtered {@code $all} subscriptions also get {@code checkpoint} messages, every {@code
 * checkpointInterval} events looked at and when caught up, carrying the position of the last event
 * looked at, so a client can resume after events the filter skipped.
 */
final class SubscriptionCall extends FlowControlledCall<ReadResp> {
  private final EventStore store;
  private final StreamWatchers watchers;
  private final String stream;
  private final EventCursor cursor;
  private final boolean all;
  private final EventFilter filter;
  private final int checkpointInterval;
  private final boolean uuidAsString;
  private final Runnable listener = this::wake;
  private boolean confirmed;
  private boolean caughtUp;
  private int sinceCheckpoint;
  private long lastSeen = -1;

  /**
   * @param store where the events come from, told what was sent
   * @param watchers where the call waits for news of its stream
   * @param stream the stream subscribed to, or null for {@code $all}
   * @param filter for {@code $all}: which events to send, or null for all of them
   * @param checkpointInterval events looked at between checkpoints of a filtered subscription
   */
  SubscriptionCall(
      StreamObserver<ReadResp> out,
      Executor executor,
      EventStore store,
      StreamWatchers watchers,
      String stream,
      EventCursor cursor,
      EventFilter filter,
      int checkpointInterval,
      boolean uuidAsString) {
    super(out, executor);
    this.store = store;
    this.watchers = watchers;
    this.stream = stream;
    this.cursor = cursor;
    this.all = stream == null;
    this.filter = filter;
    this.checkpointInterval = Math.max(1, checkpointInterval);
    this.uuidAsString = uuidAsString;
    watchers.watch(stream, listener);
  }

  @Override
  protected boolean step() {
    if (!confirmed) {
      confirmed = true;
      out.onNext(
          ReadResp.newBuilder()
              .setConfirmation(
                  ReadResp.SubscriptionConfirmation.newBuilder()
                      .setSubscriptionId(UUID.randomUUID().toString()))
              .build());
    }
    List<ResolvedEvent> page = cursor.next(ReadCall.PAGE);
    if (page == null || page.isEmpty()) {
      if (!caughtUp) {
        caughtUp = true;
        if (filter != null && lastSeen >= 0) {
          checkpoint();
        }
        out.onNext(ReadResp.newBuilder().setCaughtUp(caughtUpMessage()).build());
      }
      return false;
    }
    long sent = 0;
    long bytes = 0;
    for (ResolvedEvent e : page) {
      lastSeen = all ? e.position() : e.original().revision();
      if (filter == null || filter.test(e.original())) {
        out.onNext(Wire.streamsReadResp(e, uuidAsString));
        sent++;
        bytes += e.size();
      }
      if (filter != null && ++sinceCheckpoint >= checkpointInterval) {
        checkpoint();
      }
    }
    store.delivered(sent, bytes);
    return true;
  }

  private void checkpoint() {
    sinceCheckpoint = 0;
    out.onNext(
        ReadResp.newBuilder()
            .setCheckpoint(
                ReadResp.Checkpoint.newBuilder()
                    .setCommitPosition(lastSeen)
                    .setPreparePosition(lastSeen)
                    .setTimestamp(Wire.now()))
            .build());
  }

  private ReadResp.CaughtUp caughtUpMessage() {
    ReadResp.CaughtUp.Builder b = ReadResp.CaughtUp.newBuilder().setTimestamp(Wire.now());
    if (lastSeen >= 0) {
      if (all) {
        b.setPosition(
            ReadResp.Position.newBuilder()
                .setCommitPosition(lastSeen)
                .setPreparePosition(lastSeen));
      } else {
        b.setStreamRevision(lastSeen);
      }
    }
    return b.build();
  }

  @Override
  protected void onFinished() {
    watchers.unwatch(stream, listener);
  }
}
