package io.watershed.eventstore;

import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.streams.StreamsGrpc;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.DeleteReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.DeleteResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.ReadResp;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.TombstoneReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.TombstoneResp;
import io.watershed.core.stream.EventFilter;
import io.watershed.core.stream.EventStore;
import java.util.concurrent.Executor;

/**
 * The {@code event_store.client.streams.Streams} service: appends (classic and batch), reads and
 * catch-up subscriptions of streams and {@code $all}, soft deletes and tombstones.
 *
 * <p>Starting points, as KurrentDB defines them: a read starts at its revision or position
 * (inclusive; backwards reads of {@code $all} return the events before the position); a
 * subscription starts after its revision or position, since clients resume from the last event they
 * processed.
 */
final class StreamsService extends StreamsGrpc.StreamsImplBase {
  /** Events looked at between two checkpoints of a filtered subscription, when not said. */
  static final int DEFAULT_FILTER_WINDOW = 32;

  private final EventStore store;
  private final StreamWatchers watchers;
  private final Executor executor;
  private final Executor answers;
  private final int maxAppendBytes;

  /**
   * @param executor where reads run (they may block on disk)
   * @param answers where answers to writes are sent from
   */
  StreamsService(
      EventStore store,
      StreamWatchers watchers,
      Executor executor,
      Executor answers,
      int maxAppendBytes) {
    this.store = store;
    this.watchers = watchers;
    this.executor = executor;
    this.answers = answers;
    this.maxAppendBytes = maxAppendBytes;
  }

  @Override
  public StreamObserver<AppendReq> append(StreamObserver<AppendResp> out) {
    return new AppendCall(store, out, answers, maxAppendBytes);
  }

  @Override
  public StreamObserver<BatchAppendReq> batchAppend(StreamObserver<BatchAppendResp> out) {
    return new BatchAppendCall(store, out, answers, maxAppendBytes);
  }

  @Override
  public void read(ReadReq req, StreamObserver<ReadResp> out) {
    try {
      start(req.getOptions(), out);
    } catch (RuntimeException e) {
      out.onError(RpcErrors.of(e));
    }
  }

  private void start(ReadReq.Options o, StreamObserver<ReadResp> out) {
    boolean uuidAsString =
        o.getUuidOption().getContentCase() == ReadReq.Options.UUIDOption.ContentCase.STRING;
    boolean forwards = o.getReadDirection() != ReadReq.Options.ReadDirection.Backwards;
    boolean subscription = o.getCountOptionCase() == ReadReq.Options.CountOptionCase.SUBSCRIPTION;
    boolean compatibility = o.getControlOption().getCompatibility() >= 1;
    EventFilter filter = filter(o);
    switch (o.getStreamOptionCase()) {
      case STREAM -> {
        ReadReq.Options.StreamOptions s = o.getStream();
        String stream = Wire.streamName(s.getStreamIdentifier());
        if (subscription) {
          long from =
              switch (s.getRevisionOptionCase()) {
                case START, REVISIONOPTION_NOT_SET -> 0;
                case END -> store.lastRevision(stream) + 1;
                case REVISION -> Wire.unsigned(s.getRevision()) + 1;
              };
          EventCursor cursor = EventCursor.stream(store, stream, from, true, o.getResolveLinks());
          new SubscriptionCall(
                  out, executor, store, watchers, stream, cursor, null, 1, uuidAsString)
              .start();
          return;
        }
        long from =
            switch (s.getRevisionOptionCase()) {
              case START, REVISIONOPTION_NOT_SET -> 0;
              case END -> EventStore.END;
              case REVISION -> Wire.unsigned(s.getRevision());
            };
        EventCursor cursor = EventCursor.stream(store, stream, from, forwards, o.getResolveLinks());
        new ReadCall(
                out,
                executor,
                store,
                cursor,
                null,
                stream,
                Wire.unsigned(o.getCount()),
                compatibility,
                uuidAsString)
            .start();
      }
      case ALL -> {
        ReadReq.Options.AllOptions a = o.getAll();
        if (subscription) {
          long from =
              switch (a.getAllOptionCase()) {
                case START, ALLOPTION_NOT_SET -> 0;
                case END -> store.endPosition();
                case POSITION -> Wire.unsigned(a.getPosition().getCommitPosition()) + 1;
              };
          int interval = checkpointInterval(o);
          new SubscriptionCall(
                  out,
                  executor,
                  store,
                  watchers,
                  null,
                  EventCursor.all(store, from, true, o.getResolveLinks()),
                  filter,
                  interval,
                  uuidAsString)
              .start();
          return;
        }
        long from =
            switch (a.getAllOptionCase()) {
              case START, ALLOPTION_NOT_SET -> 0;
              case END -> EventStore.END;
              case POSITION -> Wire.unsigned(a.getPosition().getCommitPosition());
            };
        new ReadCall(
                out,
                executor,
                store,
                EventCursor.all(store, from, forwards, o.getResolveLinks()),
                filter,
                null,
                Wire.unsigned(o.getCount()),
                compatibility,
                uuidAsString)
            .start();
      }
      case STREAMOPTION_NOT_SET -> out.onError(RpcErrors.badRequest("a read of no stream"));
    }
  }

  private static EventFilter filter(ReadReq.Options o) {
    if (o.getFilterOptionCase() != ReadReq.Options.FilterOptionCase.FILTER) {
      return null;
    }
    ReadReq.Options.FilterOptions f = o.getFilter();
    return switch (f.getFilterCase()) {
      case STREAM_IDENTIFIER ->
          Wire.filter(
              true, f.getStreamIdentifier().getRegex(), f.getStreamIdentifier().getPrefixList());
      case EVENT_TYPE ->
          Wire.filter(false, f.getEventType().getRegex(), f.getEventType().getPrefixList());
      case FILTER_NOT_SET -> null;
    };
  }

  private static int checkpointInterval(ReadReq.Options o) {
    ReadReq.Options.FilterOptions f = o.getFilter();
    int window =
        f.getWindowCase() == ReadReq.Options.FilterOptions.WindowCase.MAX && f.getMax() > 0
            ? f.getMax()
            : DEFAULT_FILTER_WINDOW;
    return (int)
        Math.min(
            Integer.MAX_VALUE, (long) window * Math.max(1, f.getCheckpointIntervalMultiplier()));
  }

  @Override
  public void delete(DeleteReq req, StreamObserver<DeleteResp> out) {
    DeleteReq.Options o = req.getOptions();
    Wire.Case c = Wire.Case.of(o.getExpectedStreamRevisionCase());
    String stream = Wire.streamName(o.getStreamIdentifier());
    Unary.answer(
        () -> store.delete(stream, Wire.expected(c, o.getRevision())),
        p ->
            DeleteResp.newBuilder()
                .setPosition(
                    DeleteResp.Position.newBuilder().setCommitPosition(p).setPreparePosition(p))
                .build(),
        stream,
        null,
        out,
        answers);
  }

  @Override
  public void tombstone(TombstoneReq req, StreamObserver<TombstoneResp> out) {
    TombstoneReq.Options o = req.getOptions();
    Wire.Case c = Wire.Case.of(o.getExpectedStreamRevisionCase());
    String stream = Wire.streamName(o.getStreamIdentifier());
    Unary.answer(
        () -> store.tombstone(stream, Wire.expected(c, o.getRevision())),
        p ->
            TombstoneResp.newBuilder()
                .setPosition(
                    TombstoneResp.Position.newBuilder().setCommitPosition(p).setPreparePosition(p))
                .build(),
        stream,
        null,
        out,
        answers);
  }
}
