package io.watershed.eventstore;

import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.AppendResp;
import io.watershed.core.stream.AppendOutcome;
import io.watershed.core.stream.AppendTooLargeException;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.ExpectedRevision;
import io.watershed.core.stream.ProposedEvent;
import io.watershed.core.stream.WrongExpectedRevisionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * {@code Streams/Append}: the client streams the options (stream, expected revision), then the
 * events; when it half-closes, they are appended atomically and the call answers once, with the new
 * revision and position or with {@code wrong_expected_version} (a response, not an error, as
 * KurrentDB does). Bytes the events may take are bounded by the store's append limit, checked as
 * they arrive so an oversized append is refused before it is all in memory.
 */
final class AppendCall implements StreamObserver<AppendReq> {
  private static final Shared.Empty EMPTY = Shared.Empty.getDefaultInstance();

  private final EventStore store;
  private final StreamObserver<AppendResp> out;
  private final Executor responses;
  private final int maxAppendBytes;
  private final List<ProposedEvent> events = new ArrayList<>();
  private String stream;
  private ExpectedRevision expected;
  private long bytes;
  private boolean failed;

  AppendCall(
      EventStore store, StreamObserver<AppendResp> out, Executor responses, int maxAppendBytes) {
    this.store = store;
    this.out = out;
    this.responses = responses;
    this.maxAppendBytes = maxAppendBytes;
  }

  @Override
  public void onNext(AppendReq req) {
    if (failed) {
      return;
    }
    try {
      switch (req.getContentCase()) {
        case OPTIONS -> options(req.getOptions());
        case PROPOSED_MESSAGE -> event(req.getProposedMessage());
        case CONTENT_NOT_SET -> throw new IllegalArgumentException("an append message is empty");
      }
    } catch (RuntimeException e) {
      failed = true;
      out.onError(RpcErrors.of(e, stream, null));
    }
  }

  private void options(AppendReq.Options o) {
    if (stream != null) {
      throw new IllegalArgumentException("the append options were sent twice");
    }
    stream = Wire.streamName(o.getStreamIdentifier());
    expected = Wire.expected(Wire.Case.of(o.getExpectedStreamRevisionCase()), o.getRevision());
  }

  private void event(AppendReq.ProposedMessage m) {
    if (stream == null) {
      throw new IllegalArgumentException("an event came before the append options");
    }
    ProposedEvent e =
        Wire.proposedEvent(m.getId(), m.getMetadataMap(), m.getCustomMetadata(), m.getData());
    bytes += e.size();
    if (bytes > maxAppendBytes) {
      throw new AppendTooLargeException((int) Math.min(Integer.MAX_VALUE, bytes), maxAppendBytes);
    }
    events.add(e);
  }

  @Override
  public void onError(Throwable t) {
    failed = true;
  }

  @Override
  public void onCompleted() {
    if (failed) {
      return;
    }
    if (stream == null) {
      out.onError(RpcErrors.badRequest("an append without options"));
      return;
    }
    store
        .append(stream, expected, events)
        .whenCompleteAsync(
            (outcome, error) -> {
              if (error == null) {
                out.onNext(success(outcome));
                out.onCompleted();
              } else if (RpcErrors.unwrap(error) instanceof WrongExpectedRevisionException w) {
                out.onNext(wrongExpectedVersion(w));
                out.onCompleted();
              } else {
                out.onError(RpcErrors.of(error, stream, null));
              }
            },
            responses);
  }

  private static AppendResp success(AppendOutcome o) {
    AppendResp.Success.Builder b = AppendResp.Success.newBuilder();
    if (o.lastRevision() < 0) {
      b.setNoStream(EMPTY).setNoPosition(EMPTY);
    } else {
      b.setCurrentRevision(o.lastRevision())
          .setPosition(
              AppendResp.Position.newBuilder()
                  .setCommitPosition(o.position())
                  .setPreparePosition(o.position()));
    }
    return AppendResp.newBuilder().setSuccess(b).build();
  }

  /** Both the current fields and those of servers before 20.6.1, which older clients read. */
  static AppendResp wrongExpectedVersion(WrongExpectedRevisionException w) {
    AppendResp.WrongExpectedVersion.Builder b = AppendResp.WrongExpectedVersion.newBuilder();
    if (w.actualRevision() == WrongExpectedRevisionException.NO_STREAM) {
      b.setCurrentNoStream(EMPTY).setNoStream2060(EMPTY);
    } else {
      b.setCurrentRevision(w.actualRevision()).setCurrentRevision2060(w.actualRevision());
    }
    switch (w.expected()) {
      case ExpectedRevision.Any a -> b.setExpectedAny(EMPTY).setAny2060(EMPTY);
      case ExpectedRevision.NoStream n -> b.setExpectedNoStream(EMPTY);
      case ExpectedRevision.StreamExists s ->
          b.setExpectedStreamExists(EMPTY).setStreamExists2060(EMPTY);
      case ExpectedRevision.Exact x ->
          b.setExpectedRevision(x.revision()).setExpectedRevision2060(x.revision());
    }
    return AppendResp.newBuilder().setWrongExpectedVersion(b).build();
  }
}
