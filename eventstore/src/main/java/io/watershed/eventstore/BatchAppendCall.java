package io.watershed.eventstore;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.shared.Shared;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendReq;
import io.kurrent.dbclient.proto.streams.StreamsOuterClass.BatchAppendResp;
import io.watershed.core.stream.AppendOutcome;
import io.watershed.core.stream.AppendTooLargeException;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.ExpectedRevision;
import io.watershed.core.stream.InvalidEventException;
import io.watershed.core.stream.ProposedEvent;
import io.watershed.core.stream.StreamDeletedException;
import io.watershed.core.stream.WrongExpectedRevisionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * {@code Streams/BatchAppend}: many appends multiplexed over one bidirectional call. Each append is
 * identified by its correlation id and may come in several chunks (the options with the first, the
 * last marked {@code is_final}); once final it is appended atomically, and its answer, success or a
 * {@code google.rpc.Status} error with KurrentDB's detail message, comes back with the same
 * correlation id, in the order the appends complete.
 *
 * <p>Limits: at most {@value #MAX_OPEN_APPENDS} appends may be open (chunks received, not yet
 * final) at once on a call, and an append is refused as soon as its chunks exceed the store's
 * append size limit.
 */
final class BatchAppendCall implements StreamObserver<BatchAppendReq> {
  static final int MAX_OPEN_APPENDS = 1024;

  private static final Empty EMPTY = Empty.getDefaultInstance();

  /** An append whose chunks are still arriving. */
  private static final class Open {
    final String stream;
    final ExpectedRevision expected;
    final BatchAppendReq.Options options;
    final List<ProposedEvent> events = new ArrayList<>();
    long bytes;

    Open(String stream, ExpectedRevision expected, BatchAppendReq.Options options) {
      this.stream = stream;
      this.expected = expected;
      this.options = options;
    }
  }

  private final EventStore store;
  private final StreamObserver<BatchAppendResp> out;
  private final Executor responses;
  private final int maxAppendBytes;
  private final Map<UUID, Open> open = new HashMap<>();
  private int inFlight;
  private boolean halfClosed;
  private boolean ended;

  BatchAppendCall(
      EventStore store,
      StreamObserver<BatchAppendResp> out,
      Executor responses,
      int maxAppendBytes) {
    this.store = store;
    this.out = out;
    this.responses = responses;
    this.maxAppendBytes = maxAppendBytes;
  }

  @Override
  public void onNext(BatchAppendReq req) {
    UUID correlation;
    try {
      correlation = Wire.uuid(req.getCorrelationId());
    } catch (IllegalArgumentException e) {
      endWith(RpcErrors.badRequest("a batch append without a valid correlation id"));
      return;
    }
    Open a = open.get(correlation);
    try {
      if (a == null) {
        if (!req.hasOptions()) {
          throw new IllegalArgumentException("the first chunk of an append carries no options");
        }
        if (open.size() >= MAX_OPEN_APPENDS) {
          throw new IllegalArgumentException(
              "more than " + MAX_OPEN_APPENDS + " appends open on one batch-append call");
        }
        BatchAppendReq.Options o = req.getOptions();
        a = new Open(Wire.streamName(o.getStreamIdentifier()), expected(o), o);
        open.put(correlation, a);
      }
      for (BatchAppendReq.ProposedMessage m : req.getProposedMessagesList()) {
        ProposedEvent e =
            Wire.proposedEvent(m.getId(), m.getMetadataMap(), m.getCustomMetadata(), m.getData());
        a.bytes += e.size();
        if (a.bytes > maxAppendBytes) {
          throw new AppendTooLargeException(
              (int) Math.min(Integer.MAX_VALUE, a.bytes), maxAppendBytes);
        }
        a.events.add(e);
      }
    } catch (RuntimeException e) {
      open.remove(correlation);
      respond(error(correlation, a == null ? null : a.options, e));
      return;
    }
    if (req.getIsFinal()) {
      open.remove(correlation);
      Open done = a;
      synchronized (this) {
        inFlight++;
      }
      store
          .append(done.stream, done.expected, done.events)
          .whenCompleteAsync(
              (outcome, error) -> {
                respond(
                    error == null
                        ? success(correlation, done.options, outcome)
                        : error(correlation, done.options, error));
                synchronized (this) {
                  inFlight--;
                  finishIfDrained();
                }
              },
              responses);
    }
  }

  private static ExpectedRevision expected(BatchAppendReq.Options o) {
    return Wire.expected(Wire.Case.of(o.getExpectedStreamPositionCase()), o.getStreamPosition());
  }

  @Override
  public void onError(Throwable t) {
    synchronized (this) {
      ended = true;
    }
  }

  @Override
  public void onCompleted() {
    synchronized (this) {
      halfClosed = true;
      finishIfDrained();
    }
  }

  /** Caller holds the lock. Ends the call once the client is done and every append answered. */
  private void finishIfDrained() {
    if (halfClosed && inFlight == 0 && !ended) {
      ended = true;
      out.onCompleted();
    }
  }

  private synchronized void respond(BatchAppendResp resp) {
    if (!ended) {
      out.onNext(resp);
    }
  }

  private synchronized void endWith(RuntimeException e) {
    if (!ended) {
      ended = true;
      out.onError(e);
    }
  }

  private static BatchAppendResp.Builder answer(UUID correlation, BatchAppendReq.Options o) {
    BatchAppendResp.Builder b =
        BatchAppendResp.newBuilder().setCorrelationId(Wire.uuid(correlation, false));
    if (o != null) {
      b.setStreamIdentifier(o.getStreamIdentifier());
      switch (o.getExpectedStreamPositionCase()) {
        case STREAM_POSITION -> b.setStreamPosition(o.getStreamPosition());
        case NO_STREAM -> b.setNoStream(EMPTY);
        case ANY, EXPECTEDSTREAMPOSITION_NOT_SET -> b.setAny(EMPTY);
        case STREAM_EXISTS -> b.setStreamExists(EMPTY);
      }
    }
    return b;
  }

  private static BatchAppendResp success(
      UUID correlation, BatchAppendReq.Options o, AppendOutcome outcome) {
    BatchAppendResp.Success.Builder s = BatchAppendResp.Success.newBuilder();
    if (outcome.lastRevision() < 0) {
      s.setNoStream(EMPTY).setNoPosition(EMPTY);
    } else {
      s.setCurrentRevision(outcome.lastRevision())
          .setPosition(
              Shared.AllStreamPosition.newBuilder()
                  .setCommitPosition(outcome.position())
                  .setPreparePosition(outcome.position()));
    }
    return answer(correlation, o).setSuccess(s).build();
  }

  /** A failed append as KurrentDB reports it: a status whose one detail names the error. */
  private static BatchAppendResp error(
      UUID correlation, BatchAppendReq.Options o, Throwable failure) {
    Throwable t = RpcErrors.unwrap(failure);
    com.google.rpc.Code code;
    Message detail;
    switch (t) {
      case WrongExpectedRevisionException w -> {
        code = com.google.rpc.Code.FAILED_PRECONDITION;
        Shared.WrongExpectedVersion.Builder b = Shared.WrongExpectedVersion.newBuilder();
        if (w.actualRevision() == WrongExpectedRevisionException.NO_STREAM) {
          b.setCurrentNoStream(EMPTY);
        } else {
          b.setCurrentStreamRevision(w.actualRevision());
        }
        switch (w.expected()) {
          case ExpectedRevision.Any a -> b.setExpectedAny(EMPTY);
          case ExpectedRevision.NoStream n -> b.setExpectedNoStream(EMPTY);
          case ExpectedRevision.StreamExists s -> b.setExpectedStreamExists(EMPTY);
          case ExpectedRevision.Exact x -> b.setExpectedStreamPosition(x.revision());
        }
        detail = b.build();
      }
      case StreamDeletedException d -> {
        code = com.google.rpc.Code.FAILED_PRECONDITION;
        detail =
            Shared.StreamDeleted.newBuilder()
                .setStreamIdentifier(Wire.streamIdentifier(d.stream()))
                .build();
      }
      case AppendTooLargeException big -> {
        code = com.google.rpc.Code.INVALID_ARGUMENT;
        detail =
            Shared.MaximumAppendSizeExceeded.newBuilder()
                .setMaxAppendSize(big.maxAppendBytes())
                .build();
      }
      case RuntimeException bad
          when bad instanceof InvalidEventException || bad instanceof IllegalArgumentException -> {
        code = com.google.rpc.Code.INVALID_ARGUMENT;
        detail =
            Shared.BadRequest.newBuilder().setMessage(String.valueOf(bad.getMessage())).build();
      }
      default -> {
        code = com.google.rpc.Code.INTERNAL;
        detail = Shared.Unknown.getDefaultInstance();
      }
    }
    String message = String.valueOf(t.getMessage());
    io.grpc.Status storage = RpcErrors.storageFailure(t);
    if (storage != null) {
      code = com.google.rpc.Code.forNumber(storage.getCode().value());
      message = storage.getDescription();
    }
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(message)
            .addDetails(Any.pack(detail))
            .build();
    return answer(correlation, o).setError(status).build();
  }
}
