package io.watershed.eventstore;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent;
import io.kurrent.dbclient.proto.shared.Shared;
import io.watershed.core.stream.PersistentSubscriptions;
import io.watershed.core.stream.PersistentSubscriptions.NackAction;
import io.watershed.core.stream.ResolvedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One consumer of a persistent subscription group ({@code PersistentSubscriptions/Read}): the
 * client opens with the group and its buffer size, gets {@code subscription_confirmation}, then
 * events (with their retry count) as the group hands them out, and answers with acks and nacks by
 * event id — the link's id for a resolved link, as the clients send it.
 *
 * <p>Memory is bounded by the group: a connection never holds more unacknowledged events than its
 * buffer size. The group delivers on its own thread; every message out goes through one lock, so
 * the confirmation is always the first and nothing is sent after the call has ended.
 */
final class PersistentReadCall
    implements StreamObserver<Persistent.ReadReq>, PersistentSubscriptions.Consumer {
  private static final Metadata.Key<String> EXCEPTION = RpcErrors.EXCEPTION;

  private final PersistentSubscriptions groups;
  private final StreamObserver<Persistent.ReadResp> out;
  private final Executor executor;
  private final String from = PeerAddress.current();
  private final Object lock = new Object();
  private volatile PersistentSubscriptions.Connection connection;

  /** Acks and nacks that came before {@link #connection} was known; guarded by the lock. */
  private final List<Consumer<PersistentSubscriptions.Connection>> early = new ArrayList<>();

  private String stream;
  private String group;
  private boolean uuidAsString;
  private boolean confirmed;
  private boolean ended;

  PersistentReadCall(
      PersistentSubscriptions groups, StreamObserver<Persistent.ReadResp> out, Executor executor) {
    this.groups = groups;
    this.out = out;
    this.executor = executor;
  }

  @Override
  public void onNext(Persistent.ReadReq req) {
    try {
      switch (req.getContentCase()) {
        case OPTIONS -> open(req.getOptions());
        case ACK -> {
          List<UUID> ids = ids(req.getAck().getIdsList());
          withConnection(c -> c.ack(ids));
        }
        case NACK -> {
          Persistent.ReadReq.Nack n = req.getNack();
          List<UUID> ids = ids(n.getIdsList());
          NackAction action = action(n.getAction());
          withConnection(c -> c.nack(ids, action, n.getReason()));
        }
        case CONTENT_NOT_SET -> throw new IllegalArgumentException("an empty message");
      }
    } catch (RuntimeException e) {
      end(RpcErrors.of(e, stream, group));
    }
  }

  private void open(Persistent.ReadReq.Options o) {
    if (stream != null) {
      throw new IllegalArgumentException("the subscription options were sent twice");
    }
    stream =
        o.getStreamOptionCase() == Persistent.ReadReq.Options.StreamOptionCase.ALL
            ? PersistentSubscriptions.ALL
            : Wire.streamName(o.getStreamIdentifier());
    group = o.getGroupName();
    uuidAsString =
        o.getUuidOption().getContentCase()
            == Persistent.ReadReq.Options.UUIDOption.ContentCase.STRING;
    groups
        .connect(stream, group, "", from, Math.max(1, o.getBufferSize()), this)
        .whenCompleteAsync(
            (c, t) -> {
              if (t != null) {
                end(RpcErrors.of(t, stream, group));
                return;
              }
              synchronized (lock) {
                if (ended) {
                  c.close();
                  return;
                }
                connection = c;
                confirm();
                early.forEach(a -> a.accept(c));
                early.clear();
              }
            },
            executor);
  }

  /**
   * Runs an ack or nack on the connection; one that comes before the connection is known (events
   * are delivered while it is being made) waits for it.
   */
  private void withConnection(Consumer<PersistentSubscriptions.Connection> action) {
    synchronized (lock) {
      if (connection == null) {
        early.add(action);
        return;
      }
    }
    action.accept(connection);
  }

  private static List<UUID> ids(List<Shared.UUID> wire) {
    List<UUID> ids = new ArrayList<>(wire.size());
    for (Shared.UUID id : wire) {
      ids.add(Wire.uuid(id));
    }
    return ids;
  }

  /** KurrentDB treats an unknown action as a retry: nothing is lost. */
  private static NackAction action(Persistent.ReadReq.Nack.Action a) {
    return switch (a) {
      case Park -> NackAction.PARK;
      case Skip -> NackAction.SKIP;
      case Stop -> NackAction.STOP;
      case Retry, Unknown, UNRECOGNIZED -> NackAction.RETRY;
    };
  }

  /** Caller holds the lock. */
  private void confirm() {
    if (!confirmed) {
      confirmed = true;
      out.onNext(
          Persistent.ReadResp.newBuilder()
              .setSubscriptionConfirmation(
                  Persistent.ReadResp.SubscriptionConfirmation.newBuilder()
                      .setSubscriptionId(stream + "::" + group))
              .build());
    }
  }

  @Override
  public void deliver(ResolvedEvent event, int retryCount) {
    synchronized (lock) {
      if (ended) {
        return;
      }
      confirm();
      out.onNext(Wire.persistentReadResp(event, retryCount, uuidAsString));
    }
  }

  @Override
  public void dropped(String reason) {
    Metadata trailers = new Metadata();
    trailers.put(EXCEPTION, "persistent-subscription-dropped");
    trailers.put(RpcErrors.STREAM_NAME, stream);
    trailers.put(RpcErrors.GROUP_NAME, group);
    end(
        Status.CANCELLED
            .withDescription(
                "Subscription group '"
                    + group
                    + "' on stream '"
                    + stream
                    + "' was dropped: "
                    + reason)
            .asRuntimeException(trailers));
  }

  private void end(RuntimeException error) {
    PersistentSubscriptions.Connection c;
    synchronized (lock) {
      if (ended) {
        return;
      }
      ended = true;
      out.onError(error);
      c = connection;
    }
    if (c != null) {
      c.close();
    }
  }

  @Override
  public void onError(Throwable t) {
    close();
  }

  @Override
  public void onCompleted() {
    PersistentSubscriptions.Connection c;
    synchronized (lock) {
      if (!ended) {
        ended = true;
        out.onCompleted();
      }
      c = connection;
    }
    if (c != null) {
      c.close();
    }
  }

  /** The client went away: its unacknowledged events go to the group's other connections. */
  private void close() {
    PersistentSubscriptions.Connection c;
    synchronized (lock) {
      ended = true;
      c = connection;
    }
    if (c != null) {
      c.close();
    }
  }
}
