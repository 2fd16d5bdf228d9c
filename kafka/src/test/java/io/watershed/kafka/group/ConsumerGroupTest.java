package io.watershed.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.schedule.ManualScheduler;
import io.watershed.kafka.KafkaBroker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer group protocol (KIP-848) through the coordinator with a manual clock: epochs,
 * server-side assignment, revocation before reassignment, leaving, fencing, static members, offset
 * commits with member epochs, and reloading.
 */
class ConsumerGroupTest {
  private static final GroupRequestContext V1 =
      new GroupRequestContext("client", "/127.0.0.1", (short) 1);
  private static final int SESSION_MS = 45_000;

  private final GroupRig store =
      new GroupRig(new GroupCoordinatorConfig(0, 6000, 300_000, 300_000, SESSION_MS, 500, 4096));
  private final ManualScheduler clock = store.clock;
  private GroupCoordinator coordinator;
  private TopicMetadata topic;

  @BeforeEach
  void start() {
    topic = store.topics.topic("orders", 4);
    coordinator = store.start();
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Restarts on the same logs: the groups come back from their records. */
  private GroupCoordinator started() {
    return store.restart();
  }

  private ConsumerGroupHeartbeatRequestData request(String memberId, int epoch) {
    return new ConsumerGroupHeartbeatRequestData()
        .setGroupId("g")
        .setMemberId(memberId)
        .setMemberEpoch(epoch);
  }

  private ConsumerGroupHeartbeatResponseData send(ConsumerGroupHeartbeatRequestData request) {
    return coordinator.consumerGroupHeartbeat(V1, request).join();
  }

  /** The first heartbeat of a member subscribing to {@code orders}. */
  private ConsumerGroupHeartbeatResponseData join(String memberId, String instanceId) {
    return send(
        request(memberId, 0)
            .setInstanceId(instanceId)
            .setRebalanceTimeoutMs(30_000)
            .setSubscribedTopicNames(List.of("orders"))
            .setTopicPartitions(List.of()));
  }

  /** A heartbeat reporting that the member owns {@code owned} partitions of {@code orders}. */
  private ConsumerGroupHeartbeatResponseData heartbeat(
      String memberId, int epoch, Set<Integer> owned) {
    return send(
        request(memberId, epoch)
            .setTopicPartitions(
                List.of(
                    new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                        .setTopicId(KafkaBroker.toKafka(topic.topicId()))
                        .setPartitions(new ArrayList<>(owned)))));
  }

  /** The partitions of {@code orders} in a response's assignment, or null if none was sent. */
  private Set<Integer> assigned(ConsumerGroupHeartbeatResponseData response) {
    if (response.assignment() == null) {
      return null;
    }
    Set<Integer> out = new TreeSet<>();
    response
        .assignment()
        .topicPartitions()
        .forEach(
            tp -> {
              assertThat(tp.topicId()).isEqualTo(KafkaBroker.toKafka(topic.topicId()));
              out.addAll(tp.partitions());
            });
    return out;
  }

  private int groupEpoch() {
    return ((ConsumerGroupMembership) store.membership("g").orElseThrow()).groupEpoch();
  }

  @Test
  void theFirstMemberGetsEveryPartitionAtANewEpoch() {
    ConsumerGroupHeartbeatResponseData r = join("m1", null);

    assertThat(r.errorCode()).isZero();
    assertThat(r.memberId()).isEqualTo("m1");
    assertThat(r.memberEpoch()).isEqualTo(1);
    assertThat(r.heartbeatIntervalMs()).isEqualTo(500);
    assertThat(assigned(r)).containsExactly(0, 1, 2, 3);
    assertThat(groupEpoch()).isEqualTo(1);
    assertThat(assigned(heartbeat("m1", 1, Set.of(0, 1, 2, 3))))
        .as("an unchanged assignment is not sent again")
        .isNull();
  }

  @Test
  void aNewMembersPartitionsAreOnlyGivenOnceTheirOwnerHasRevokedThem() {
    join("m1", null);
    heartbeat("m1", 1, Set.of(0, 1, 2, 3));

    ConsumerGroupHeartbeatResponseData m2 = join("m2", null);
    assertThat(m2.memberEpoch()).isEqualTo(2);
    assertThat(assigned(m2)).as("its partitions are still m1's").isEmpty();

    ConsumerGroupHeartbeatResponseData m1 = heartbeat("m1", 1, Set.of(0, 1, 2, 3));
    assertThat(m1.memberEpoch()).as("m1 stays at its epoch until it revokes").isEqualTo(1);
    Set<Integer> kept = assigned(m1);
    assertThat(kept).hasSize(2);
    assertThat(assigned(heartbeat("m2", 2, Set.of()))).isNull();

    ConsumerGroupHeartbeatResponseData revoked = heartbeat("m1", 1, kept);
    assertThat(revoked.memberEpoch()).isEqualTo(2);

    Set<Integer> given = assigned(heartbeat("m2", 2, Set.of()));
    assertThat(given).hasSize(2).doesNotContainAnyElementsOf(kept);
    Set<Integer> all = new HashSet<>(kept);
    all.addAll(given);
    assertThat(all).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  private Set<Integer> twoStableMembers() {
    join("m1", null);
    heartbeat("m1", 1, Set.of(0, 1, 2, 3));
    join("m2", null);
    Set<Integer> kept = assigned(heartbeat("m1", 1, Set.of(0, 1, 2, 3)));
    heartbeat("m1", 1, kept);
    Set<Integer> given = assigned(heartbeat("m2", 2, Set.of()));
    heartbeat("m2", 2, given);
    return given;
  }

  @Test
  void aLeavingMemberFreesItsPartitionsForTheOthers() {
    twoStableMembers();
    ConsumerGroupHeartbeatResponseData left = send(request("m2", -1));
    assertThat(left.errorCode()).isZero();
    assertThat(left.memberEpoch()).isEqualTo(-1);

    ConsumerGroupHeartbeatResponseData m1 = heartbeat("m1", 2, Set.of(0, 1));
    assertThat(m1.memberEpoch()).isEqualTo(3);
    assertThat(assigned(m1)).containsExactly(0, 1, 2, 3);
  }

  @Test
  void aSilentMemberIsFencedWhenItsSessionEndsAndItsPartitionsMove() {
    Set<Integer> m2Partitions = twoStableMembers();
    for (int i = 0; i < 8; i++) {
      clock.advance(5000);
      assertThat(heartbeat("m1", 2, complement(m2Partitions)).memberEpoch()).isEqualTo(2);
    }
    clock.advance(5000);
    // m2 has been silent for 45 s, its session timeout.
    ConsumerGroupHeartbeatResponseData m1 = heartbeat("m1", 2, complement(m2Partitions));
    assertThat(m1.memberEpoch()).isEqualTo(3);
    assertThat(assigned(m1)).containsExactly(0, 1, 2, 3);
    assertThat(heartbeat("m2", 2, m2Partitions).errorCode())
        .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
  }

  private static Set<Integer> complement(Set<Integer> partitions) {
    Set<Integer> out = new TreeSet<>(Set.of(0, 1, 2, 3));
    out.removeAll(partitions);
    return out;
  }

  @Test
  void aStaticMemberThatLeftTemporarilyGetsItsPartitionsBackWithoutARebalance() {
    join("s1", "instance-1");
    heartbeat("s1", 1, Set.of(0, 1, 2, 3));
    join("m2", null);
    Set<Integer> kept = assigned(heartbeat("s1", 1, Set.of(0, 1, 2, 3)));
    heartbeat("s1", 1, kept);
    heartbeat("m2", 2, assigned(heartbeat("m2", 2, Set.of())));
    assertThat(join("other", "instance-1").errorCode())
        .as("the instance id is in use")
        .isEqualTo(Errors.UNRELEASED_INSTANCE_ID.code());

    ConsumerGroupHeartbeatResponseData away = send(request("s1", -2).setInstanceId("instance-1"));
    assertThat(away.memberEpoch()).isEqualTo(-2);
    int epoch = groupEpoch();

    ConsumerGroupHeartbeatResponseData back = join("s1-restarted", "instance-1");
    assertThat(back.errorCode()).isZero();
    assertThat(back.memberEpoch()).isEqualTo(2);
    assertThat(assigned(back)).isEqualTo(kept);
    assertThat(groupEpoch()).as("no rebalance").isEqualTo(epoch);
    assertThat(heartbeat("s1", 2, kept).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
  }

  @Test
  void epochsAheadOfTheCoordinatorOrTooFarBehindAreFenced() {
    join("m1", null);
    assertThat(heartbeat("m1", 5, Set.of()).errorCode())
        .isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
    assertThat(heartbeat("stranger", 3, Set.of()).errorCode())
        .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    ConsumerGroupHeartbeatResponseData rejoined = join("m1", null);
    assertThat(rejoined.errorCode()).as("epoch 0 rejoins").isZero();
    assertThat(assigned(rejoined)).containsExactly(0, 1, 2, 3);
  }

  @Test
  void requestsTheProtocolForbidsAreRefused() {
    assertThat(send(request("m1", 0).setGroupId("")).errorCode())
        .isEqualTo(Errors.INVALID_REQUEST.code());
    assertThat(send(request("m1", 0).setSubscribedTopicNames(List.of("orders"))).errorCode())
        .as("no rebalance timeout in the first request")
        .isEqualTo(Errors.INVALID_REQUEST.code());
    assertThat(
            send(request("m1", 0)
                    .setRebalanceTimeoutMs(1000)
                    .setTopicPartitions(List.of())
                    .setSubscribedTopicNames(List.of("orders"))
                    .setServerAssignor("range"))
                .errorCode())
        .isEqualTo(Errors.UNSUPPORTED_ASSIGNOR.code());
    assertThat(
            send(request("m1", 0)
                    .setRebalanceTimeoutMs(1000)
                    .setTopicPartitions(List.of())
                    .setSubscribedTopicRegex("orders("))
                .errorCode())
        .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
    assertThat(send(request("", 0)).errorCode())
        .as("version 1 needs a member id chosen by the client")
        .isEqualTo(Errors.INVALID_REQUEST.code());
  }

  @Test
  void aGrownTopicAndARegexMatchingANewTopicLeadToANewAssignment() {
    join("m1", null);
    heartbeat("m1", 1, Set.of(0, 1, 2, 3));
    topic = store.topics.topic("orders", 6);
    ConsumerGroupHeartbeatResponseData grown = heartbeat("m1", 1, Set.of(0, 1, 2, 3));
    assertThat(grown.memberEpoch()).isEqualTo(2);
    assertThat(assigned(grown)).containsExactly(0, 1, 2, 3, 4, 5);

    ConsumerGroupHeartbeatResponseData regex =
        send(
            request("r1", 0)
                .setGroupId("by-regex")
                .setRebalanceTimeoutMs(1000)
                .setTopicPartitions(List.of())
                .setSubscribedTopicRegex("ord.*"));
    assertThat(regex.assignment().topicPartitions()).hasSize(1);
    store.topics.topic("orderly", 2);
    ConsumerGroupHeartbeatResponseData more =
        send(request("r1", regex.memberEpoch()).setGroupId("by-regex"));
    assertThat(more.memberEpoch()).isEqualTo(regex.memberEpoch() + 1);
    assertThat(more.assignment().topicPartitions()).hasSize(2);
  }

  private Errors commit(String memberId, int epoch, short version, int partition) {
    OffsetCommitRequestData request =
        new OffsetCommitRequestData()
            .setGroupId("g")
            .setMemberId(memberId)
            .setGenerationIdOrMemberEpoch(epoch)
            .setTopics(
                List.of(
                    new OffsetCommitRequestTopic()
                        .setName("orders")
                        .setPartitions(
                            List.of(
                                new OffsetCommitRequestPartition()
                                    .setPartitionIndex(partition)
                                    .setCommittedOffset(7)))));
    return Errors.forCode(
        coordinator
            .commitOffsets(new GroupRequestContext("client", "/h", version), request)
            .join()
            .topics()
            .get(0)
            .partitions()
            .get(0)
            .errorCode());
  }

  @Test
  void aCommitWithAnOlderEpochCountsForPartitionsTheMemberHeldSinceThen() {
    Set<Integer> m2Partitions = twoStableMembers();
    int m1Partition = complement(m2Partitions).iterator().next();
    int m2Partition = m2Partitions.iterator().next();

    assertThat(commit("m1", 2, (short) 9, m1Partition)).isEqualTo(Errors.NONE);
    assertThat(commit("m1", 1, (short) 9, m1Partition))
        .as("held since epoch 1")
        .isEqualTo(Errors.NONE);
    assertThat(commit("m2", 1, (short) 9, m2Partition))
        .as("m2 received it at epoch 2")
        .isEqualTo(Errors.STALE_MEMBER_EPOCH);
    assertThat(commit("m1", 3, (short) 9, m1Partition)).isEqualTo(Errors.STALE_MEMBER_EPOCH);
    assertThat(commit("nobody", 2, (short) 9, m1Partition)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    assertThat(commit("m1", 2, (short) 8, m1Partition)).isEqualTo(Errors.UNSUPPORTED_VERSION);
    assertThat(commit("", -1, (short) 9, m1Partition))
        .as("not without group management while the group has members")
        .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
  }

  @Test
  void aHeartbeatWhoseWriteFailsLeavesTheGroupAsItWasInMemoryAndOnDisk() {
    assertThat(join("m1", null).memberEpoch()).isEqualTo(1);
    heartbeat("m1", 1, Set.of(0, 1, 2, 3));

    store.failNextWrite("g");
    ConsumerGroupHeartbeatResponseData refused = join("m2", null);
    assertThat(Errors.forCode(refused.errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
    assertThat(groupEpoch()).isEqualTo(1);
    assertThat(((ConsumerGroupMembership) store.membership("g").orElseThrow()).members().keys())
        .containsExactly("m1");
    ConsumerGroupHeartbeatResponseData m1 = heartbeat("m1", 1, Set.of(0, 1, 2, 3));
    assertThat(m1.errorCode()).isZero();
    assertThat(m1.memberEpoch()).as("no rebalance for the member that never joined").isEqualTo(1);

    coordinator = started();
    assertThat(groupEpoch()).isEqualTo(1);
    ConsumerGroupHeartbeatResponseData retried = join("m2", null);
    assertThat(retried.errorCode()).isZero();
    assertThat(groupEpoch()).isEqualTo(2);
  }

  @Test
  void aRecordedGroupComesBackWithItsMembersEpochsAndAssignments() {
    Set<Integer> m2Partitions = twoStableMembers();
    coordinator = started();

    ConsumerGroupHeartbeatResponseData m2 = heartbeat("m2", 2, m2Partitions);
    assertThat(m2.errorCode()).isZero();
    assertThat(m2.memberEpoch()).isEqualTo(2);
    assertThat(coordinator.describeConsumerGroups(List.of("g")).join())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.groupState()).isEqualTo("Stable");
              assertThat(g.groupEpoch()).isEqualTo(2);
              assertThat(g.members()).hasSize(2);
            });
  }
}
