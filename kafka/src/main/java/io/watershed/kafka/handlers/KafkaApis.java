package io.watershed.kafka.handlers;

import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.kafka.ApiRegistry;
import io.watershed.kafka.KafkaBroker;
import io.watershed.kafka.group.GroupCoordinator;
import io.watershed.kafka.group.GroupCoordinatorConfig;
import io.watershed.kafka.group.LegacyGroups;
import io.watershed.kafka.group.TopicLookup;
import io.watershed.log.AppendWaiters;

/**
 * The Kafka APIs this broker serves: registers one handler per API and owns the state they share
 * (fetch sessions, waiting fetches).
 */
public final class KafkaApis implements AutoCloseable {
  private final KafkaBroker broker;
  private final GroupCoordinator groups;

  /**
   * @param coordinators the coordinator runtime, which keeps the group coordinator's state; owned
   *     by the caller
   */
  public KafkaApis(KafkaBroker broker, CoordinatorRuntime coordinators) {
    this.broker = broker;
    ApiRegistry r = broker.registry();
    FetchSessions sessions = new FetchSessions();
    AppendWaiters waiters = new AppendWaiters();
    r.register(new ApiVersionsHandler(r));
    r.register(new MetadataHandler(broker));
    r.register(new ProduceHandler(broker));
    r.register(new FetchHandler(broker, sessions, waiters));
    r.register(new ListOffsetsHandler(broker));
    r.register(new InitProducerIdHandler(broker));
    r.register(new OffsetForLeaderEpochHandler(broker));
    // Consumer groups: the classic protocol, the consumer protocol (KIP-848), offsets, admin.
    groups =
        new GroupCoordinator(
            coordinators,
            TopicLookup.of(broker.topics()),
            GroupCoordinatorConfig.from(broker.config()),
            LegacyGroups.of(broker.topics().groups()));
    r.register(new FindCoordinatorHandler(broker));
    r.register(new JoinGroupHandler(groups));
    r.register(new SyncGroupHandler(groups));
    r.register(new HeartbeatHandler(groups));
    r.register(new LeaveGroupHandler(groups));
    r.register(new OffsetCommitHandler(groups));
    r.register(new OffsetFetchHandler(groups));
    r.register(new OffsetDeleteHandler(groups));
    r.register(new ListGroupsHandler(groups));
    r.register(new DescribeGroupsHandler(groups));
    r.register(new DeleteGroupsHandler(groups));
    r.register(new ConsumerGroupHeartbeatHandler(groups));
    r.register(new ConsumerGroupDescribeHandler(groups));
    // Admin: topics, partitions, configs, records, cluster and log directories.
    r.register(new CreateTopicsHandler(broker));
    r.register(new DeleteTopicsHandler(broker, groups));
    r.register(new CreatePartitionsHandler(broker));
    r.register(new DescribeConfigsHandler(broker));
    r.register(new AlterConfigsHandler(broker));
    r.register(new IncrementalAlterConfigsHandler(broker));
    r.register(new DescribeClusterHandler(broker));
    r.register(new DescribeLogDirsHandler(broker));
    r.register(new DeleteRecordsHandler(broker));
    r.register(new DescribeTopicPartitionsHandler(broker));
  }

  /**
   * Starts the group coordinator (moving groups of an earlier version onto the runtime, loading
   * them, starting their sessions); called once the listener is bound.
   */
  public void start() {
    groups.start();
  }

  /** The group coordinator, for administrators (group views, offset resets). */
  public GroupCoordinator groups() {
    return groups;
  }

  public KafkaBroker broker() {
    return broker;
  }

  @Override
  public void close() {
    groups.close();
  }
}
