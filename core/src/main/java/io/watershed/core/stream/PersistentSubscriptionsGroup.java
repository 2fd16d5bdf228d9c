package io.watershed.core.stream;

import io.watershed.core.schedule.SerialScheduler;
import io.watershed.core.stream.PersistentSubscriptionSettings.ConsumerStrategy;
import io.watershed.core.subscription.CheckpointPolicy;
import io.watershed.core.subscription.CursorStore;
import io.watershed.core.subscription.DispatchPolicy;
import io.watershed.core.subscription.PinnedByKeyDispatch;
import io.watershed.core.subscription.RoundRobinDispatch;
import io.watershed.core.subscription.SingleDispatch;
import io.watershed.core.subscription.StoredCursor;
import io.watershed.core.subscription.Subscription;
import io.watershed.core.subscription.SubscriptionConfig;
import io.watershed.core.subscription.SubscriptionConsumer;
import io.watershed.core.subscription.SubscriptionStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One persistent subscription group: EventStoreDB's settings mapped onto a {@link Subscription}
 * over the group's source, its parked stream as the park sink, and its connections. Runs on the
 * subscriptions' scheduler thread.
 *
 * <table>
 *   <caption>EventStoreDB setting → engine</caption>
 *   <tr><td>messageTimeoutMs</td><td>ackTimeoutMs</td></tr>
 *   <tr><td>maxRetryCount</td><td>maxDeliveries = maxRetryCount + 1 (the retry count a consumer
 *       sees is the delivery count − 1); a dropped connection's events go back uncounted</td></tr>
 *   <tr><td>liveBufferSize, historyBufferSize</td><td>readAhead = the larger</td></tr>
 *   <tr><td>readBatchSize</td><td>readBatch</td></tr>
 *   <tr><td>min/maxCheckpointCount, checkpointAfterMs</td><td>the checkpoint policy</td></tr>
 *   <tr><td>maxSubscriberCount</td><td>maxConsumers</td></tr>
 *   <tr><td>RoundRobin, DispatchToSingle</td><td>round robin, single</td></tr>
 *   <tr><td>Pinned, PinnedByCorrelation</td><td>pinned by key: the event's stream, or its
 *       {@code $correlationId}</td></tr>
 * </table>
 *
 * The window holds at most {@link #MAX_UNACKED} events not yet done, whatever the settings.
 */
final class PersistentSubscriptionsGroup {
  /** Events read and not yet done a group keeps at most; then it waits for the oldest. */
  static final int MAX_UNACKED = 10_000;

  final String stream;
  final String name;
  final String id;
  PersistentSubscriptionSettings settings;
  final PersistentSubscriptionsSource source;
  final PersistentSubscriptionsParkedStream parked;
  final Subscription<ResolvedEvent> subscription;
  final Map<SubscriptionConsumer<ResolvedEvent>, PersistentSubscriptions.Connection> connections =
      new LinkedHashMap<>();

  PersistentSubscriptionsGroup(
      EventStore store,
      String stream,
      String name,
      PersistentSubscriptionSettings settings,
      StoredCursor cursor,
      CursorStore cursors,
      SerialScheduler scheduler) {
    this.stream = stream;
    this.name = name;
    this.id = PersistentSubscriptionsCursorStore.id(stream, name);
    this.settings = settings;
    this.source = new PersistentSubscriptionsSource(store, stream, settings);
    this.parked =
        new PersistentSubscriptionsParkedStream(
            store, PersistentSubscriptionsCursorStore.parkedStream(id));
    this.subscription =
        Subscription.builder(id, source, scheduler, cursors)
            .cursor(cursor, true)
            .keyHash(this::keyHash)
            .policy(policy(settings.consumerStrategy()))
            .config(config(settings))
            .parkSink(parked)
            .open();
  }

  static SubscriptionConfig config(PersistentSubscriptionSettings s) {
    return SubscriptionConfig.DEFAULT
        .withMaxUnacked(MAX_UNACKED)
        .withReadAhead(Math.max(s.liveBufferSize(), s.historyBufferSize()))
        .withReadBatch(s.readBatchSize())
        .withAckTimeoutMs(s.messageTimeoutMs())
        .withMaxDeliveries(s.maxRetryCount() + 1)
        .withMaxConsumers(s.maxSubscriberCount())
        .withCheckpoint(
            new CheckpointPolicy(
                s.minCheckpointCount(), s.maxCheckpointCount(), s.checkpointAfterMs(), 100, 5_000));
  }

  static DispatchPolicy policy(ConsumerStrategy s) {
    return switch (s) {
      case ROUND_ROBIN -> new RoundRobinDispatch();
      case DISPATCH_TO_SINGLE -> new SingleDispatch();
      case PINNED, PINNED_BY_CORRELATION -> new PinnedByKeyDispatch();
    };
  }

  /** The key pinned strategies pin by: the event's stream, or its correlation. */
  private int keyHash(ResolvedEvent e) {
    String key = e.event().stream();
    if (settings.consumerStrategy() == ConsumerStrategy.PINNED_BY_CORRELATION) {
      String correlation = PersistentSubscriptions.correlationId(e.event().metadata());
      if (correlation != null) {
        key = correlation;
      }
    }
    return key.hashCode();
  }

  /** New settings: connections are dropped (they may reconnect) and the group goes on with them. */
  void update(PersistentSubscriptionSettings s) {
    subscription.dropConsumers("the subscription group was updated");
    settings = s;
    source.settings(s);
    subscription.reconfigure(config(s), policy(s.consumerStrategy()));
  }

  PersistentSubscriptionInfo info() {
    SubscriptionStats s = subscription.stats();
    List<PersistentSubscriptionInfo.ConnectionInfo> cs = new ArrayList<>();
    connections.forEach((c, connection) -> cs.add(connection.info(c)));
    return new PersistentSubscriptionInfo(
        stream,
        name,
        s.caughtUp() ? "Live" : "CatchingUp",
        settings,
        cs,
        s.lastCheckpointed(),
        s.readFrontier() - 1,
        s.delivered(),
        s.parkedNow(),
        s.waitingFresh(),
        s.waitingRetry() + s.delayed(),
        s.leased());
  }
}
