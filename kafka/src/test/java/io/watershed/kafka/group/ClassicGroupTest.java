package io.watershed.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.group.Bytes;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ClassicMemberRecord;
import io.watershed.core.schedule.ManualScheduler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The classic group protocol, driven through the coordinator with a manual clock: member ids,
 * rebalances, generations, leaders, protocol choice, durable assignments, timeouts, static members,
 * offset commits and group deletion.
 */
class ClassicGroupTest {
  private static final GroupRequestContext V9 =
      new GroupRequestContext("client", "/127.0.0.1", (short) 9);
  private static final int SESSION_MS = 10_000;

  private final GroupRig store =
      new GroupRig(new GroupCoordinatorConfig(0, 6000, 300_000, 300_000, 45_000, 500, 100));
  private final ManualScheduler clock = store.clock;
  private GroupCoordinator coordinator = store.start();

  private GroupCoordinator started(int initialDelayMs) {
    return store.restart(
        new GroupCoordinatorConfig(initialDelayMs, 6000, 300_000, 300_000, 45_000, 500, 100));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static JoinGroupRequestData joinRequest(
      String memberId, String instanceId, String... protocols) {
    JoinGroupRequestProtocolCollection collection = new JoinGroupRequestProtocolCollection();
    for (String p : protocols) {
      collection.add(
          new JoinGroupRequestProtocol()
              .setName(p)
              .setMetadata((memberId + p).getBytes(StandardCharsets.UTF_8)));
    }
    return new JoinGroupRequestData()
        .setGroupId("g")
        .setMemberId(memberId)
        .setGroupInstanceId(instanceId)
        .setSessionTimeoutMs(SESSION_MS)
        .setRebalanceTimeoutMs(30_000)
        .setProtocolType("consumer")
        .setProtocols(collection);
  }

  private CompletableFuture<JoinGroupResponseData> join(
      String memberId, String instanceId, String... protocols) {
    return coordinator.joinGroup(V9, joinRequest(memberId, instanceId, protocols));
  }

  /** KIP-394's two steps: a member id first, then the join proper (parked until it completes). */
  private CompletableFuture<JoinGroupResponseData> newMember(String... protocols) {
    JoinGroupResponseData first = join("", null, protocols).join();
    assertThat(first.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
    assertThat(first.memberId()).startsWith("client-");
    return join(first.memberId(), null, protocols);
  }

  private CompletableFuture<SyncGroupResponseData> sync(
      String memberId, int generation, String... assignmentPairs) {
    SyncGroupRequestData request =
        new SyncGroupRequestData()
            .setGroupId("g")
            .setMemberId(memberId)
            .setGenerationId(generation);
    for (int i = 0; i < assignmentPairs.length; i += 2) {
      request
          .assignments()
          .add(
              new SyncGroupRequestAssignment()
                  .setMemberId(assignmentPairs[i])
                  .setAssignment(assignmentPairs[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    return coordinator.syncGroup(request);
  }

  private Errors heartbeat(String memberId, int generation) {
    return coordinator
        .heartbeat(
            new HeartbeatRequestData()
                .setGroupId("g")
                .setMemberId(memberId)
                .setGenerationId(generation))
        .join();
  }

  /** A group of one stable member at generation 1; returns its member id. */
  private String stableGroupOfOne() {
    CompletableFuture<JoinGroupResponseData> joined = newMember("range");
    clock.advance(0);
    String id = joined.join().memberId();
    sync(id, 1, id, "all").join();
    return id;
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Test
  void aNewMemberGetsAnIdFirstThenLeadsTheFirstGenerationAndItsAssignmentIsDurable() {
    CompletableFuture<JoinGroupResponseData> joined = newMember("range");

    JoinGroupResponseData response = joined.join();
    assertThat(response.errorCode()).isZero();
    assertThat(response.generationId()).isEqualTo(1);
    assertThat(response.leader()).isEqualTo(response.memberId());
    assertThat(response.protocolName()).isEqualTo("range");
    assertThat(response.members())
        .extracting(m -> m.memberId())
        .containsExactly(response.memberId());

    SyncGroupResponseData synced = sync(response.memberId(), 1, response.memberId(), "p0").join();
    assertThat(text(synced.assignment())).isEqualTo("p0");
    ClassicGroupMembership recorded = (ClassicGroupMembership) store.membership("g").orElseThrow();
    assertThat(recorded.generation()).isEqualTo(1);
    assertThat(recorded.members())
        .singleElement()
        .satisfies(m -> assertThat(text(m.assignment().toArray())).isEqualTo("p0"));
  }

  @Test
  void aJoiningMemberMakesEveryoneRejoinAndOnlyAProtocolAllSupportIsChosen() {
    CompletableFuture<JoinGroupResponseData> a = newMember("range", "roundrobin");
    clock.advance(0);
    String aId = a.join().memberId();
    sync(aId, 1, aId, "all").join();

    CompletableFuture<JoinGroupResponseData> b = newMember("roundrobin");
    assertThat(b).isNotDone();
    assertThat(heartbeat(aId, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);

    CompletableFuture<JoinGroupResponseData> aAgain = join(aId, null, "range", "roundrobin");
    JoinGroupResponseData leader = aAgain.join();
    JoinGroupResponseData follower = b.join();
    assertThat(leader.generationId()).isEqualTo(2);
    assertThat(follower.generationId()).isEqualTo(2);
    assertThat(leader.protocolName()).isEqualTo("roundrobin");
    assertThat(leader.leader()).isEqualTo(aId);
    assertThat(leader.members()).hasSize(2);
    assertThat(follower.members()).as("only the leader is told the members").isEmpty();
  }

  @Test
  void followersWaitForTheLeadersAssignmentWhichIsDurableBeforeAnyoneGetsIt() {
    String aId = stableGroupOfOne();
    CompletableFuture<JoinGroupResponseData> b = newMember("range");
    join(aId, null, "range").join();
    String bId = b.join().memberId();

    store.holdWrites();
    CompletableFuture<SyncGroupResponseData> followerSync = sync(bId, 2);
    CompletableFuture<SyncGroupResponseData> leaderSync = sync(aId, 2, aId, "p0", bId, "p1");
    assertThat(followerSync).isNotDone();
    assertThat(leaderSync).as("not before the assignment is durable").isNotDone();
    // As on Kafka's runtime, an operation behind a pending write is answered once that is durable.
    CompletableFuture<Errors> heartbeat =
        coordinator.heartbeat(
            new HeartbeatRequestData().setGroupId("g").setMemberId(bId).setGenerationId(2));
    assertThat(heartbeat).isNotDone();

    store.releaseWrites();
    assertThat(text(leaderSync.join().assignment())).isEqualTo("p0");
    assertThat(text(followerSync.join().assignment())).isEqualTo("p1");
    assertThat(heartbeat.join()).isEqualTo(Errors.NONE);
    assertThat(((ClassicGroupMembership) store.membership("g").orElseThrow()).generation())
        .isEqualTo(2);
  }

  @Test
  void aMemberThatStopsHeartbeatingIsRemovedAfterItsSessionTimeout() {
    String aId = stableGroupOfOne();
    CompletableFuture<JoinGroupResponseData> b = newMember("range");
    join(aId, null, "range").join();
    String bId = b.join().memberId();
    sync(bId, 2);
    sync(aId, 2, aId, "p0", bId, "p1").join();

    for (int t = 0; t < 3; t++) {
      clock.advance(3000);
      assertThat(heartbeat(aId, 2)).isEqualTo(Errors.NONE);
    }
    clock.advance(3000);
    // b has been silent for 12 s, longer than its 10 s session.
    assertThat(heartbeat(bId, 2)).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    assertThat(heartbeat(aId, 2)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    JoinGroupResponseData alone = join(aId, null, "range").join();
    assertThat(alone.generationId()).isEqualTo(3);
    assertThat(alone.members()).hasSize(1);
  }

  @Test
  void aLoneFirstMemberGetsItsAssignmentWithoutWaitingOutTheInitialDelay() {
    coordinator = started(3000);
    CompletableFuture<JoinGroupResponseData> a = newMember("range");

    assertThat(a).as("answered before any time passed").isDone();
    assertThat(a.join().generationId()).isEqualTo(1);
    assertThat(a.join().members()).hasSize(1);
    String aId = a.join().memberId();
    assertThat(sync(aId, 1, aId, "all").join().assignment()).isEqualTo("all".getBytes());
  }

  @Test
  void aMemberArrivingAfterALoneOneStartsAnOrdinaryRebalance() {
    coordinator = started(3000);
    CompletableFuture<JoinGroupResponseData> a = newMember("range");
    String aId = a.join().memberId();
    sync(aId, 1, aId, "all").join();

    CompletableFuture<JoinGroupResponseData> b = newMember("range");
    assertThat(heartbeat(aId, 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
    CompletableFuture<JoinGroupResponseData> aAgain = join(aId, null, "range");
    // Every member has joined: no initial delay, the group is not new.
    assertThat(aAgain.join().generationId()).isEqualTo(2);
    assertThat(b.join().generationId()).isEqualTo(2);
    assertThat(aAgain.join().members()).hasSize(2);
  }

  @Test
  void membersJoiningTogetherWaitForEachOtherAndStartInOneGeneration() {
    coordinator = started(3000);
    // KIP-394's first step for a, b and c: each holds a member id and is about to join.
    String aId = memberIdFor("range");
    String bId = memberIdFor("range");
    String cId = memberIdFor("range");
    CompletableFuture<JoinGroupResponseData> a = join(aId, null, "range");
    assertThat(a).as("b and c are joining too: a waits for them").isNotDone();
    clock.advance(1000);
    CompletableFuture<JoinGroupResponseData> b = join(bId, null, "range");
    CompletableFuture<JoinGroupResponseData> c = join(cId, null, "range");
    clock.advance(1999);
    assertThat(a).isNotDone();
    // As Kafka's: new members during the window extend it, by one more delay at most.
    clock.advance(1);
    assertThat(a).as("b and c extended the window").isNotDone();
    clock.advance(3000);

    assertThat(List.of(a.join(), b.join(), c.join()))
        .allSatisfy(r -> assertThat(r.generationId()).isEqualTo(1));
    assertThat(a.join().members()).hasSize(3);
  }

  /** KIP-394's first step only: the member id a new member is told to join with. */
  private String memberIdFor(String... protocols) {
    JoinGroupResponseData first = join("", null, protocols).join();
    assertThat(first.errorCode()).isEqualTo(Errors.MEMBER_ID_REQUIRED.code());
    return first.memberId();
  }

  @Test
  void badSessionTimeoutsAndForeignProtocolsAreRefused() {
    JoinGroupRequestData tooShort = joinRequest("", null, "range").setSessionTimeoutMs(1000);
    assertThat(coordinator.joinGroup(V9, tooShort).join().errorCode())
        .isEqualTo(Errors.INVALID_SESSION_TIMEOUT.code());
    assertThat(
            coordinator
                .joinGroup(V9, joinRequest("", null, "range").setGroupId(""))
                .join()
                .errorCode())
        .isEqualTo(Errors.INVALID_GROUP_ID.code());

    stableGroupOfOne();
    assertThat(join("", null, "some-other-protocol").join().errorCode())
        .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
    JoinGroupRequestData connect = joinRequest("", null, "range").setProtocolType("connect");
    assertThat(coordinator.joinGroup(V9, connect).join().errorCode())
        .isEqualTo(Errors.INCONSISTENT_GROUP_PROTOCOL.code());
    assertThat(join("who-is-this", null, "range").join().errorCode())
        .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
  }

  @Test
  void aStaticMemberRejoiningUnderANewIdKeepsTheGenerationAndFencesItsOldId() {
    CompletableFuture<JoinGroupResponseData> a = join("", "instance-a", "range");
    clock.advance(0);
    String oldId = a.join().memberId();
    assertThat(oldId).startsWith("instance-a-");
    CompletableFuture<JoinGroupResponseData> b = newMember("range");
    join(oldId, "instance-a", "range").join();
    String bId = b.join().memberId();
    sync(bId, 2);
    sync(oldId, 2, oldId, "pa", bId, "pb").join();

    JoinGroupResponseData back = join("", "instance-a", "range").join();
    assertThat(back.errorCode()).isZero();
    assertThat(back.generationId()).as("no rebalance").isEqualTo(2);
    assertThat(back.memberId()).isNotEqualTo(oldId);
    assertThat(back.skipAssignment()).as("the rejoining leader need not assign").isTrue();
    assertThat(back.members()).hasSize(2);
    assertThat(text(sync(back.memberId(), 2).join().assignment())).isEqualTo("pa");
    assertThat(heartbeat(bId, 2)).isEqualTo(Errors.NONE);
    assertThat(
            coordinator
                .heartbeat(
                    new HeartbeatRequestData()
                        .setGroupId("g")
                        .setMemberId(oldId)
                        .setGroupInstanceId("instance-a")
                        .setGenerationId(2))
                .join())
        .isEqualTo(Errors.FENCED_INSTANCE_ID);
    assertThat(((ClassicGroupMembership) store.membership("g").orElseThrow()).members())
        .extracting(ClassicMemberRecord::memberId)
        .contains(back.memberId())
        .doesNotContain(oldId);
  }

  private Errors commit(String memberId, int generation, short version, String topic) {
    OffsetCommitRequestData request =
        new OffsetCommitRequestData()
            .setGroupId("g")
            .setMemberId(memberId)
            .setGenerationIdOrMemberEpoch(generation)
            .setTopics(
                List.of(
                    new OffsetCommitRequestTopic()
                        .setName(topic)
                        .setPartitions(
                            List.of(
                                new OffsetCommitRequestPartition()
                                    .setPartitionIndex(1)
                                    .setCommittedOffset(42)
                                    .setCommittedMetadata("m")))));
    return Errors.forCode(
        coordinator
            .commitOffsets(new GroupRequestContext("client", "/127.0.0.1", version), request)
            .join()
            .topics()
            .get(0)
            .partitions()
            .get(0)
            .errorCode());
  }

  @Test
  void anOffsetCommitOnAFullDiskIsNotCoordinatorAndTheOldOffsetStays() {
    store.topics.topic("orders", 2);
    String id = stableGroupOfOne();
    assertThat(commit(id, 1, (short) 9, "orders")).isEqualTo(Errors.NONE);
    store.failNextWrite("g");
    // Kafka's coordinator answers a failed write of its log so: the client finds the coordinator
    // again and retries.
    assertThat(commit(id, 1, (short) 9, "orders")).isEqualTo(Errors.NOT_COORDINATOR);
    assertThat(heartbeat(id, 1)).as("the member stays").isEqualTo(Errors.NONE);
    assertThat(commit(id, 1, (short) 9, "orders")).isEqualTo(Errors.NONE);
  }

  @Test
  void anAssignmentWhoseWriteFailsSendsTheMembersBackToRejoinAndTheRecordStaysAsItWas() {
    String aId = stableGroupOfOne();
    CompletableFuture<JoinGroupResponseData> b = newMember("range");
    join(aId, null, "range").join();
    String bId = b.join().memberId();

    store.failNextWrite("g");
    CompletableFuture<SyncGroupResponseData> followerSync = sync(bId, 2);
    SyncGroupResponseData leaderSync = sync(aId, 2, aId, "p0", bId, "p1").join();
    assertThat(Errors.forCode(leaderSync.errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
    assertThat(Errors.forCode(followerSync.join().errorCode())).isEqualTo(Errors.NOT_COORDINATOR);
    assertThat(leaderSync.assignment()).isEmpty();
    ClassicGroupMembership recorded = (ClassicGroupMembership) store.membership("g").orElseThrow();
    assertThat(recorded.generation()).as("the generation before").isEqualTo(1);
    assertThat(recorded.members()).extracting(ClassicMemberRecord::memberId).containsExactly(aId);

    coordinator = store.restart();
    assertThat(((ClassicGroupMembership) store.membership("g").orElseThrow()).generation())
        .as("what a restart loads is what was answered")
        .isEqualTo(1);
  }

  @Test
  void aDeleteWhoseWriteFailsLeavesTheGroupAndItsOffsets() {
    store.topics.topic("orders", 2);
    String id = stableGroupOfOne();
    assertThat(commit(id, 1, (short) 9, "orders")).isEqualTo(Errors.NONE);
    coordinator.leaveGroup("g", List.of(new MemberIdentity().setMemberId(id))).join();

    store.failNextWrite("g");
    assertThat(coordinator.deleteGroups(List.of("g")).join())
        .extracting(r -> Errors.forCode(r.errorCode()))
        .containsExactly(Errors.NOT_COORDINATOR);
    assertThat(store.membership("g")).isPresent();
    assertThat(store.offsets("g").get("orders", 1)).map(o -> o.offset()).contains(42L);
    assertThat(coordinator.listGroups(List.of(), List.of()).join()).hasSize(1);

    coordinator = store.restart();
    assertThat(store.membership("g")).isPresent();
    assertThat(store.offsets("g").get("orders", 1)).map(o -> o.offset()).contains(42L);
    assertThat(coordinator.deleteGroups(List.of("g")).join())
        .extracting(r -> Errors.forCode(r.errorCode()))
        .containsExactly(Errors.NONE);
    assertThat(store.offsets("g").isEmpty()).isTrue();
  }

  @Test
  void anOffsetDeleteWhoseWriteFailsLeavesTheOffsets() {
    store.topics.topic("orders", 2);
    assertThat(commit("", -1, (short) 9, "orders")).isEqualTo(Errors.NONE);
    OffsetDeleteRequestData delete =
        new OffsetDeleteRequestData()
            .setGroupId("g")
            .setTopics(
                new OffsetDeleteRequestTopicCollection(
                    List.of(
                            new OffsetDeleteRequestTopic()
                                .setName("orders")
                                .setPartitions(
                                    List.of(
                                        new OffsetDeleteRequestPartition().setPartitionIndex(1))))
                        .iterator()));

    store.failNextWrite("g");
    OffsetDeleteResponseData failed = coordinator.deleteOffsets(delete).join();
    assertThat(Errors.forCode(failed.topics().find("orders").partitions().find(1).errorCode()))
        .isEqualTo(Errors.NOT_COORDINATOR);
    assertThat(store.offsets("g").get("orders", 1)).isPresent();
    coordinator = store.restart();
    assertThat(store.offsets("g").get("orders", 1)).isPresent();

    OffsetDeleteResponseData deleted = coordinator.deleteOffsets(delete).join();
    assertThat(deleted.topics().find("orders").partitions().find(1).errorCode()).isZero();
    assertThat(store.offsets("g").isEmpty()).isTrue();
    coordinator = store.restart();
    assertThat(store.offsets("g").isEmpty()).isTrue();
  }

  @Test
  void theOffsetsOfADeletedTopicAreNeverAnsweredForANewTopicOfItsName() {
    store.topics.topic("orders", 2);
    assertThat(commit("", -1, (short) 9, "orders")).isEqualTo(Errors.NONE);
    store.topics.delete("orders");
    store.topics.topic("orders", 2);
    assertThat(store.offsets("g").isEmpty()).as("invisible at once").isTrue();

    coordinator.topicsDeleted();
    coordinator = store.restart();
    assertThat(store.offsets("g").isEmpty()).as("and removed").isTrue();
  }

  @Test
  void offsetCommitsAreCheckedAgainstTheGroupsGenerationAndMembers() {
    store.topics.topic("orders", 2);
    assertThat(commit("", 3, (short) 9, "orders")).isEqualTo(Errors.GROUP_ID_NOT_FOUND);
    assertThat(commit("", 3, (short) 8, "orders")).isEqualTo(Errors.ILLEGAL_GENERATION);
    assertThat(commit("", -1, (short) 9, "orders"))
        .as("a consumer without group management may commit")
        .isEqualTo(Errors.NONE);

    String id = stableGroupOfOne();
    assertThat(commit(id, 1, (short) 9, "orders")).isEqualTo(Errors.NONE);
    assertThat(commit(id, 2, (short) 9, "orders")).isEqualTo(Errors.ILLEGAL_GENERATION);
    assertThat(commit("stranger", 1, (short) 9, "orders")).isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    assertThat(commit("", -1, (short) 9, "orders"))
        .as("not while the group has members")
        .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    assertThat(commit(id, 1, (short) 9, "missing")).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);

    CompletableFuture<JoinGroupResponseData> b = newMember("range");
    join(id, null, "range").join();
    b.join();
    assertThat(commit(id, 2, (short) 9, "orders"))
        .as("between JoinGroup and SyncGroup")
        .isEqualTo(Errors.REBALANCE_IN_PROGRESS);

    OffsetFetchRequestGroup fetch =
        new OffsetFetchRequestGroup()
            .setGroupId("g")
            .setTopics(
                List.of(
                    new OffsetFetchRequestTopics()
                        .setName("orders")
                        .setPartitionIndexes(List.of(0, 1))));
    var partitions =
        coordinator.fetchOffsets(List.of(fetch)).join().get(0).topics().get(0).partitions();
    assertThat(partitions.get(0).committedOffset()).isEqualTo(-1);
    assertThat(partitions.get(1).committedOffset()).isEqualTo(42);
    assertThat(partitions.get(1).metadata()).isEqualTo("m");
  }

  @Test
  void aBatchLeaveRemovesMembersByIdOrByInstanceAndReportsUnknownOnes() {
    CompletableFuture<JoinGroupResponseData> a = join("", "instance-a", "range");
    clock.advance(0);
    String aId = a.join().memberId();
    sync(aId, 1, aId, "x").join();
    CompletableFuture<JoinGroupResponseData> b = newMember("range");
    join(aId, "instance-a", "range").join();
    String bId = b.join().memberId();

    List<MemberResponse> answers =
        coordinator
            .leaveGroup(
                "g",
                List.of(
                    new MemberIdentity().setMemberId("").setGroupInstanceId("instance-a"),
                    new MemberIdentity().setMemberId(bId),
                    new MemberIdentity().setMemberId("nobody")))
            .join()
            .members();
    assertThat(answers)
        .extracting(MemberResponse::errorCode)
        .containsExactly(Errors.NONE.code(), Errors.NONE.code(), Errors.UNKNOWN_MEMBER_ID.code());
    assertThat(coordinator.leaveGroup("unknown-group", List.of()).join().error())
        .isEqualTo(Errors.UNKNOWN_MEMBER_ID);
    assertThat(coordinator.listGroups(List.of(), List.of()).join())
        .singleElement()
        .satisfies(g -> assertThat(g.groupState()).isEqualTo("Empty"));
  }

  @Test
  void onlyGroupsWithoutMembersCanBeDeleted() {
    String id = stableGroupOfOne();
    assertThat(coordinator.deleteGroups(List.of("g", "nope")).join())
        .extracting(r -> Errors.forCode(r.errorCode()))
        .containsExactly(Errors.NON_EMPTY_GROUP, Errors.GROUP_ID_NOT_FOUND);

    coordinator.leaveGroup("g", List.of(new MemberIdentity().setMemberId(id))).join();
    assertThat(coordinator.deleteGroups(List.of("g")).join())
        .extracting(r -> Errors.forCode(r.errorCode()))
        .containsExactly(Errors.NONE);
    assertThat(store.membership("g")).isEmpty();
    assertThat(store.offsets("g").isEmpty()).isTrue();
    assertThat(coordinator.listGroups(List.of(), List.of()).join()).isEmpty();
  }

  @Test
  void aRecordedGroupComesBackStableWithItsMembersAndTheirSessions() {
    store.legacy.put(
        "g",
        new ClassicGroupMembership(
            "consumer",
            7,
            "range",
            "m1",
            List.of(
                new ClassicMemberRecord(
                    "m1",
                    null,
                    "c",
                    "/h",
                    30_000,
                    SESSION_MS,
                    Bytes.EMPTY,
                    Bytes.of(new byte[] {1})),
                new ClassicMemberRecord(
                    "m2", null, "c", "/h", 30_000, SESSION_MS, Bytes.EMPTY, Bytes.EMPTY))));
    coordinator = store.restart();
    assertThat(store.legacy.group("g")).as("moved off the metadata log").isEmpty();
    coordinator = store.restart();

    assertThat(heartbeat("m1", 7)).isEqualTo(Errors.NONE);
    assertThat(sync("m1", 7).join().assignment()).containsExactly(1);
    assertThat(coordinator.describeGroups(List.of("g"), (short) 5).join())
        .singleElement()
        .satisfies(
            g -> {
              assertThat(g.groupState()).isEqualTo("Stable");
              assertThat(g.members()).hasSize(2);
            });

    clock.advance(6000);
    heartbeat("m1", 7);
    clock.advance(6000);
    assertThat(heartbeat("m1", 7))
        .as("m2 never came back and timed out")
        .isEqualTo(Errors.REBALANCE_IN_PROGRESS);
  }
}
