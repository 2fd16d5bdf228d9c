package io.watershed.eventstore;

import io.grpc.stub.StreamObserver;
import io.kurrent.dbclient.proto.persistentsubscriptions.Persistent;
import io.kurrent.dbclient.proto.persistentsubscriptions.PersistentSubscriptionsGrpc;
import io.kurrent.dbclient.proto.shared.Shared;
import io.watershed.core.stream.EventFilter;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.PersistentSubscriptionInfo;
import io.watershed.core.stream.PersistentSubscriptionSettings;
import io.watershed.core.stream.PersistentSubscriptionSettings.ConsumerStrategy;
import io.watershed.core.stream.PersistentSubscriptions;
import java.util.concurrent.Executor;

/**
 * The {@code event_store.client.persistent_subscriptions.PersistentSubscriptions} service:
 * competing-consumer groups on a stream or on {@code $all} (management, and the bidirectional
 * {@code Read} of {@link PersistentReadCall}), over the core's {@link PersistentSubscriptions}.
 *
 * <p>How settings travel: timeouts come in milliseconds or in .NET ticks (100 ns); the consumer
 * strategy as the enum {@code named_consumer_strategy} or, from newer clients, as the string {@code
 * consumer_strategy}; the start as a revision (stream) or a position ({@code $all}), or start/end.
 * Info reports positions as KurrentDB does: a revision as a decimal, a {@code $all} position as
 * {@code C:<commit>/P:<prepare>}, the end as -1.
 */
final class PersistentSubscriptionsService
    extends PersistentSubscriptionsGrpc.PersistentSubscriptionsImplBase {
  private static final long TICKS_PER_MILLI = 10_000;

  private final PersistentSubscriptions groups;
  private final Executor executor;

  PersistentSubscriptionsService(PersistentSubscriptions groups, Executor executor) {
    this.groups = groups;
    this.executor = executor;
  }

  // The deprecated fields are those older clients still send (stream and start in the options).
  @SuppressWarnings("deprecation")
  @Override
  public void create(Persistent.CreateReq req, StreamObserver<Persistent.CreateResp> out) {
    Persistent.CreateReq.Options o = req.getOptions();
    String stream;
    long start;
    EventFilter filter = null;
    switch (o.getStreamOptionCase()) {
      case STREAM -> {
        stream = Wire.streamName(o.getStream().getStreamIdentifier());
        start =
            switch (o.getStream().getRevisionOptionCase()) {
              case START, REVISIONOPTION_NOT_SET -> 0;
              case END -> EventStore.END;
              case REVISION -> Wire.unsigned(o.getStream().getRevision());
            };
      }
      case ALL -> {
        stream = PersistentSubscriptions.ALL;
        Persistent.CreateReq.AllOptions a = o.getAll();
        start =
            switch (a.getAllOptionCase()) {
              case START, ALLOPTION_NOT_SET -> 0;
              case END -> EventStore.END;
              case POSITION -> Wire.unsigned(a.getPosition().getCommitPosition());
            };
        if (a.getFilterOptionCase() == Persistent.CreateReq.AllOptions.FilterOptionCase.FILTER) {
          Persistent.CreateReq.AllOptions.FilterOptions f = a.getFilter();
          filter =
              switch (f.getFilterCase()) {
                case STREAM_IDENTIFIER ->
                    Wire.filter(
                        true,
                        f.getStreamIdentifier().getRegex(),
                        f.getStreamIdentifier().getPrefixList());
                case EVENT_TYPE ->
                    Wire.filter(
                        false, f.getEventType().getRegex(), f.getEventType().getPrefixList());
                case FILTER_NOT_SET -> null;
              };
        }
      }
      default -> {
        // Clients before 21.10 name the stream in the deprecated field and start at
        // settings.revision.
        stream = Wire.streamName(o.getStreamIdentifier());
        start = Wire.unsigned(o.getSettings().getRevision());
      }
    }
    Persistent.CreateReq.Settings s = o.getSettings();
    String group = o.getGroupName();
    EventFilter f = filter;
    Unary.answer(
        () -> groups.create(stream, group, settings(s, start, f)),
        x -> Persistent.CreateResp.getDefaultInstance(),
        stream,
        group,
        out,
        executor);
  }

  @SuppressWarnings("deprecation")
  @Override
  public void update(Persistent.UpdateReq req, StreamObserver<Persistent.UpdateResp> out) {
    Persistent.UpdateReq.Options o = req.getOptions();
    String stream;
    Long start;
    switch (o.getStreamOptionCase()) {
      case STREAM -> {
        stream = Wire.streamName(o.getStream().getStreamIdentifier());
        start =
            switch (o.getStream().getRevisionOptionCase()) {
              case START -> 0L;
              case END -> EventStore.END;
              case REVISION -> Wire.unsigned(o.getStream().getRevision());
              case REVISIONOPTION_NOT_SET -> null;
            };
      }
      case ALL -> {
        stream = PersistentSubscriptions.ALL;
        start =
            switch (o.getAll().getAllOptionCase()) {
              case START -> 0L;
              case END -> EventStore.END;
              case POSITION -> Wire.unsigned(o.getAll().getPosition().getCommitPosition());
              case ALLOPTION_NOT_SET -> null;
            };
      }
      default -> {
        stream = Wire.streamName(o.getStreamIdentifier());
        start = Wire.unsigned(o.getSettings().getRevision());
      }
    }
    Persistent.UpdateReq.Settings s = o.getSettings();
    String group = o.getGroupName();
    // An update carries no filter, and may carry no start: the group keeps those it has.
    Unary.answer(
        () ->
            groups
                .info(stream, group)
                .thenCompose(
                    current ->
                        groups.update(
                            stream,
                            group,
                            settings(
                                sameAsCreate(s),
                                start == null ? current.settings().startFrom() : start,
                                current.settings().filter()))),
        x -> Persistent.UpdateResp.getDefaultInstance(),
        stream,
        group,
        out,
        executor);
  }

  @Override
  public void delete(Persistent.DeleteReq req, StreamObserver<Persistent.DeleteResp> out) {
    Persistent.DeleteReq.Options o = req.getOptions();
    String stream =
        o.getStreamOptionCase() == Persistent.DeleteReq.Options.StreamOptionCase.ALL
            ? PersistentSubscriptions.ALL
            : Wire.streamName(o.getStreamIdentifier());
    Unary.answer(
        () -> groups.delete(stream, o.getGroupName()),
        x -> Persistent.DeleteResp.getDefaultInstance(),
        stream,
        o.getGroupName(),
        out,
        executor);
  }

  @Override
  public void getInfo(Persistent.GetInfoReq req, StreamObserver<Persistent.GetInfoResp> out) {
    Persistent.GetInfoReq.Options o = req.getOptions();
    String stream =
        o.getStreamOptionCase() == Persistent.GetInfoReq.Options.StreamOptionCase.ALL
            ? PersistentSubscriptions.ALL
            : Wire.streamName(o.getStreamIdentifier());
    Unary.answer(
        () -> groups.info(stream, o.getGroupName()),
        info -> Persistent.GetInfoResp.newBuilder().setSubscriptionInfo(info(info)).build(),
        stream,
        o.getGroupName(),
        out,
        executor);
  }

  @Override
  public void list(Persistent.ListReq req, StreamObserver<Persistent.ListResp> out) {
    Persistent.ListReq.Options o = req.getOptions();
    String stream = null;
    if (o.getListOptionCase() == Persistent.ListReq.Options.ListOptionCase.LIST_FOR_STREAM) {
      Persistent.ListReq.StreamOption so = o.getListForStream();
      stream =
          so.getStreamOptionCase() == Persistent.ListReq.StreamOption.StreamOptionCase.ALL
              ? PersistentSubscriptions.ALL
              : Wire.streamName(so.getStream());
    }
    String source = stream;
    Unary.answer(
        () -> groups.list(source),
        infos -> {
          Persistent.ListResp.Builder b = Persistent.ListResp.newBuilder();
          infos.forEach(i -> b.addSubscriptions(info(i)));
          return b.build();
        },
        stream,
        null,
        out,
        executor);
  }

  @Override
  public void replayParked(
      Persistent.ReplayParkedReq req, StreamObserver<Persistent.ReplayParkedResp> out) {
    Persistent.ReplayParkedReq.Options o = req.getOptions();
    String stream =
        o.getStreamOptionCase() == Persistent.ReplayParkedReq.Options.StreamOptionCase.ALL
            ? PersistentSubscriptions.ALL
            : Wire.streamName(o.getStreamIdentifier());
    long stopAt =
        o.getStopAtOptionCase() == Persistent.ReplayParkedReq.Options.StopAtOptionCase.STOP_AT
            ? o.getStopAt()
            : -1;
    Unary.answer(
        () -> groups.replayParked(stream, o.getGroupName(), stopAt),
        x -> Persistent.ReplayParkedResp.getDefaultInstance(),
        stream,
        o.getGroupName(),
        out,
        executor);
  }

  @Override
  public void restartSubsystem(Shared.Empty req, StreamObserver<Shared.Empty> out) {
    Unary.answer(
        groups::restart, x -> Shared.Empty.getDefaultInstance(), null, null, out, executor);
  }

  @Override
  public StreamObserver<Persistent.ReadReq> read(StreamObserver<Persistent.ReadResp> out) {
    return new PersistentReadCall(groups, out, executor);
  }

  /**
   * A group's settings as a create request gives them, starting at {@code start}. The strategy
   * comes in the deprecated enum from most clients.
   */
  @SuppressWarnings("deprecation")
  private static PersistentSubscriptionSettings settings(
      Persistent.CreateReq.Settings s, long start, EventFilter filter) {
    return new PersistentSubscriptionSettings(
        s.getResolveLinks(),
        start,
        s.getMessageTimeoutCase()
                == Persistent.CreateReq.Settings.MessageTimeoutCase.MESSAGE_TIMEOUT_TICKS
            ? ticksToMillis(s.getMessageTimeoutTicks())
            : s.getMessageTimeoutMs(),
        s.getMaxRetryCount(),
        s.getLiveBufferSize(),
        s.getReadBatchSize(),
        s.getHistoryBufferSize(),
        s.getCheckpointAfterCase()
                == Persistent.CreateReq.Settings.CheckpointAfterCase.CHECKPOINT_AFTER_TICKS
            ? ticksToMillis(s.getCheckpointAfterTicks())
            : s.getCheckpointAfterMs(),
        s.getMinCheckpointCount(),
        s.getMaxCheckpointCount(),
        s.getMaxSubscriberCount(),
        strategy(s.getConsumerStrategy(), s.getNamedConsumerStrategy().getNumber()),
        filter);
  }

  /**
   * An update's settings read as a create's: {@code UpdateReq.Settings} has the fields of {@code
   * CreateReq.Settings} but {@code consumer_strategy} (16), with the same numbers and types, so its
   * bytes parse as one.
   */
  private static Persistent.CreateReq.Settings sameAsCreate(Persistent.UpdateReq.Settings s) {
    try {
      return Persistent.CreateReq.Settings.parseFrom(s.toByteString());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("unreadable subscription settings", e);
    }
  }

  private static int ticksToMillis(long ticks) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, ticks / TICKS_PER_MILLI));
  }

  /**
   * The strategy named by the string (newer clients) or else by the enum ({@code DispatchToSingle}
   * 0, {@code RoundRobin} 1, {@code Pinned} 2); {@code PinnedByCorrelation} has a name only.
   */
  static ConsumerStrategy strategy(String named, int number) {
    if (named != null && !named.isEmpty()) {
      return switch (named) {
        case "RoundRobin" -> ConsumerStrategy.ROUND_ROBIN;
        case "DispatchToSingle" -> ConsumerStrategy.DISPATCH_TO_SINGLE;
        case "Pinned" -> ConsumerStrategy.PINNED;
        case "PinnedByCorrelation" -> ConsumerStrategy.PINNED_BY_CORRELATION;
        default ->
            throw new IllegalArgumentException("consumer strategy " + named + " is not supported");
      };
    }
    return switch (number) {
      case 0 -> ConsumerStrategy.DISPATCH_TO_SINGLE;
      case 1 -> ConsumerStrategy.ROUND_ROBIN;
      case 2 -> ConsumerStrategy.PINNED;
      default ->
          throw new IllegalArgumentException("consumer strategy " + number + " is not supported");
    };
  }

  static String strategyName(ConsumerStrategy s) {
    return switch (s) {
      case ROUND_ROBIN -> "RoundRobin";
      case DISPATCH_TO_SINGLE -> "DispatchToSingle";
      case PINNED -> "Pinned";
      case PINNED_BY_CORRELATION -> "PinnedByCorrelation";
    };
  }

  /** A revision or position as info reports it; empty when there is none. */
  private static String position(boolean all, long p) {
    if (p < 0) {
      return "";
    }
    return all ? "C:" + p + "/P:" + p : Long.toString(p);
  }

  private static String startFrom(boolean all, long start) {
    long p = start == EventStore.END ? -1 : start;
    return all ? "C:" + p + "/P:" + p : Long.toString(p);
  }

  static Persistent.SubscriptionInfo info(PersistentSubscriptionInfo i) {
    boolean all = i.stream().equals(PersistentSubscriptions.ALL);
    PersistentSubscriptionSettings s = i.settings();
    Persistent.SubscriptionInfo.Builder b =
        Persistent.SubscriptionInfo.newBuilder()
            .setEventSource(i.stream())
            .setGroupName(i.group())
            .setStatus(i.status())
            .setTotalItems(i.totalItems())
            .setLastCheckpointedEventPosition(position(all, i.lastCheckpointedPosition()))
            .setLastKnownEventPosition(position(all, i.lastKnownPosition()))
            .setResolveLinkTos(s.resolveLinks())
            .setStartFrom(startFrom(all, s.startFrom()))
            .setMessageTimeoutMilliseconds(s.messageTimeoutMs())
            .setMaxRetryCount(s.maxRetryCount())
            .setLiveBufferSize(s.liveBufferSize())
            .setBufferSize(s.historyBufferSize())
            .setReadBatchSize(s.readBatchSize())
            .setCheckPointAfterMilliseconds(s.checkpointAfterMs())
            .setMinCheckPointCount(s.minCheckpointCount())
            .setMaxCheckPointCount(s.maxCheckpointCount())
            .setReadBufferCount(i.readBufferCount())
            .setRetryBufferCount(i.retryBufferCount())
            .setTotalInFlightMessages(i.inFlightCount())
            .setOutstandingMessagesCount(i.inFlightCount())
            .setNamedConsumerStrategy(strategyName(s.consumerStrategy()))
            .setMaxSubscriberCount(s.maxSubscriberCount())
            .setParkedMessageCount(i.parkedCount());
    for (PersistentSubscriptionInfo.ConnectionInfo c : i.connections()) {
      b.addConnections(
          Persistent.SubscriptionInfo.ConnectionInfo.newBuilder()
              .setFrom(c.from())
              .setConnectionName(c.name())
              .setTotalItems(c.delivered())
              .setAvailableSlots(c.availableSlots())
              .setInFlightMessages(c.inFlight()));
    }
    return b.build();
  }
}
