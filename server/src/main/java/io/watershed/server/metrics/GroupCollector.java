package io.watershed.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.watershed.core.group.GroupOffsets;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.stream.EventStore;
import io.watershed.core.stream.PersistentSubscriptionInfo;
import io.watershed.core.stream.PersistentSubscriptions;
import io.watershed.core.topic.TopicStore;
import io.watershed.kafka.group.GroupCoordinator;
import io.watershed.kafka.group.GroupView;
import io.watershed.log.PartitionLog;
import io.watershed.server.admin.SubscriptionsApi;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumers' figures at scrape time: Kafka consumer groups' committed offsets and lag per partition
 * and their member counts; persistent subscription groups' backlog, in-flight and parked events.
 */
final class GroupCollector implements MultiCollector {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCollector.class);

  private final Supplier<TopicStore> topics;
  private final Supplier<GroupCoordinator> kafkaGroups;
  private final Supplier<EventStore> store;
  private final Supplier<PersistentSubscriptions> subscriptions;

  GroupCollector(
      Supplier<TopicStore> topics,
      Supplier<GroupCoordinator> kafkaGroups,
      Supplier<EventStore> store,
      Supplier<PersistentSubscriptions> subscriptions) {
    this.topics = topics;
    this.kafkaGroups = kafkaGroups;
    this.store = store;
    this.subscriptions = subscriptions;
  }

  @Override
  public MetricSnapshots collect() {
    Snapshots s = new Snapshots();
    s.declare(
            "watershed_consumer_group_lag",
            "Records between a Kafka consumer group's committed offset and the log end.",
            false)
        .declare("watershed_consumer_group_committed_offset", "A group's committed offset.", false)
        .declare("watershed_consumer_group_members", "Members of a Kafka consumer group.", false)
        .declare(
            "watershed_eventstore_subscription_backlog",
            "Events of the source after a persistent subscription group's last checkpoint.",
            false)
        .declare(
            "watershed_eventstore_subscription_in_flight",
            "Events delivered to a group's connections and not yet acknowledged.",
            false)
        .declare(
            "watershed_eventstore_subscription_parked",
            "Events parked by a group and not replayed.",
            false)
        .declare("watershed_eventstore_subscription_connections", "Connections of a group.", false);
    TopicStore t = topics.get();
    GroupCoordinator coordinator = kafkaGroups.get();
    if (t != null && coordinator != null) {
      for (Map.Entry<String, GroupOffsets> g : coordinator.committedOffsets().entrySet()) {
        for (PartitionOffset po : g.getValue().all()) {
          Labels l =
              Labels.of("group", g.getKey(), "topic", po.topic(), "partition", "" + po.partition());
          s.gauge("watershed_consumer_group_committed_offset", null, po.committed().offset(), l);
          PartitionLog log = t.partition(po.topic(), po.partition()).orElse(null);
          if (log != null) {
            long lag = Math.max(0, log.logEndOffset() - po.committed().offset());
            s.gauge("watershed_consumer_group_lag", null, lag, l);
          }
        }
      }
    }
    if (coordinator != null) {
      try {
        for (GroupView v : coordinator.views().get(2, TimeUnit.SECONDS)) {
          s.gauge(
              "watershed_consumer_group_members",
              null,
              v.members().size(),
              Labels.of("group", v.groupId()));
        }
      } catch (Exception e) {
        LOG.debug("no group members for metrics: {}", e.toString());
      }
    }
    PersistentSubscriptions subs = subscriptions.get();
    EventStore es = store.get();
    if (subs != null && es != null) {
      try {
        for (PersistentSubscriptionInfo info : subs.list(null).get(2, TimeUnit.SECONDS)) {
          Labels l = Labels.of("stream", info.stream(), "group", info.group());
          s.gauge(
                  "watershed_eventstore_subscription_backlog",
                  null,
                  SubscriptionsApi.backlog(info, es),
                  l)
              .gauge("watershed_eventstore_subscription_in_flight", null, info.inFlightCount(), l)
              .gauge("watershed_eventstore_subscription_parked", null, info.parkedCount(), l)
              .gauge(
                  "watershed_eventstore_subscription_connections",
                  null,
                  info.connections().size(),
                  l);
        }
      } catch (Exception e) {
        LOG.debug("no subscription figures for metrics: {}", e.toString());
      }
    }
    return new MetricSnapshots(s.build());
  }
}
