package io.watershed.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.group.Bytes;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ClassicMemberRecord;
import io.watershed.core.group.CommittedOffset;
import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.GroupMembership;
import io.watershed.core.group.GroupStore;
import io.watershed.core.group.MemberAssignmentState;
import io.watershed.core.group.PartitionAssignment;
import io.watershed.core.group.PartitionOffset;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Groups that versions before the coordinator runtime kept in the metadata command log ({@code
 * CommitOffsets}, {@code PutClassicGroup}, {@code UpdateConsumerGroup}) are served after the
 * upgrade: the first start moves them onto the runtime, and later starts load them from there.
 */
class GroupMigrationTest {
  private static final GroupCoordinatorConfig CONFIG =
      new GroupCoordinatorConfig(0, 6000, 300_000, 300_000, 45_000, 500, 100);

  @TempDir Path dir;

  private TopicStore open() throws Exception {
    return TopicStore.open(dir, LogManagerConfig.defaults(dir));
  }

  private static PartitionOffset offset(String topic, int partition, long offset) {
    return new PartitionOffset(
        topic, partition, new CommittedOffset(offset, CommittedOffset.NO_LEADER_EPOCH, "m", 1000));
  }

  @Test
  void groupsTheMetadataLogHeldBeforeTheUpgradeAreServedAfterItAndMovedOnce() throws Exception {
    try (TopicStore topics = open()) {
      TopicMetadata orders = topics.create("orders", 2, Map.of()).join();
      // Written as the earlier version wrote them: commands of the metadata state machine.
      GroupStore old = topics.groups();
      old.commitOffsets("simple", List.of(offset("orders", 0, 10), offset("orders", 1, 11))).join();
      old.putClassicGroup(
              "classic",
              new ClassicGroupMembership(
                  "consumer",
                  3,
                  "range",
                  "m1",
                  List.of(
                      new ClassicMemberRecord(
                          "m1",
                          null,
                          "c",
                          "/h",
                          30_000,
                          10_000,
                          Bytes.EMPTY,
                          Bytes.of(new byte[] {1})))))
          .join();
      old.commitOffsets("classic", List.of(offset("orders", 1, 7))).join();
      PartitionAssignment both = PartitionAssignment.of(Map.of(orders.topicId(), List.of(0, 1)));
      old.updateConsumerGroup(
              "consumer",
              2,
              2,
              List.of(
                  new ConsumerMemberRecord(
                      "k1",
                      null,
                      null,
                      "c",
                      "/h",
                      List.of("orders"),
                      null,
                      null,
                      30_000,
                      2,
                      1,
                      MemberAssignmentState.STABLE,
                      both,
                      PartitionAssignment.EMPTY,
                      both)),
              List.of())
          .join();
    }

    for (int start = 1; start <= 2; start++) {
      try (TopicStore topics = open();
          CoordinatorRuntime runtime = CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS);
          GroupCoordinator groups =
              new GroupCoordinator(
                  runtime, TopicLookup.of(topics), CONFIG, LegacyGroups.of(topics.groups()))) {
        groups.start();

        assertThat(topics.groups().groups().all())
            .as("start %d: nothing is left in the metadata log", start)
            .isEmpty();
        assertThat(groups.committed("simple", "orders", 0))
            .map(CommittedOffset::offset)
            .contains(10L);
        assertThat(groups.committed("simple", "orders", 1))
            .map(CommittedOffset::offset)
            .contains(11L);
        assertThat(groups.committed("classic", "orders", 1))
            .map(CommittedOffset::metadata)
            .contains("m");

        Optional<GroupMembership> classic = groups.recorded("classic").join();
        assertThat(classic).get().isInstanceOf(ClassicGroupMembership.class);
        assertThat(((ClassicGroupMembership) classic.orElseThrow()).generation()).isEqualTo(3);

        ConsumerGroupMembership consumer =
            (ConsumerGroupMembership) groups.recorded("consumer").join().orElseThrow();
        assertThat(consumer.groupEpoch()).isEqualTo(2);
        assertThat(consumer.assignmentEpoch()).isEqualTo(2);
        assertThat(consumer.members().keys()).containsExactly("k1");
        assertThat(consumer.members().get("k1").assigned().count()).isEqualTo(2);

        assertThat(groups.listGroups(List.of(), List.of()).join())
            .extracting(ListedGroup::groupId)
            .contains("classic", "consumer");
      }
    }
  }

  @Test
  void aMoveInterruptedBeforeTheMetadataForgotAGroupIsDoneAgainWithTheSameResult() {
    try (GroupRig rig = new GroupRig(CONFIG, 2)) {
      rig.topics.topic("orders", 2);
      rig.legacy.groups =
          rig.legacy
              .groups
              .withOffsets("a", List.of(offset("orders", 0, 1)))
              .withOffsets("b", List.of(offset("orders", 1, 2)));
      rig.legacy.failAfter = 1;
      assertThatThrownBy(rig::start).isInstanceOf(CompletionException.class);
      assertThat(rig.legacy.groups.all()).hasSize(1);

      rig.legacy.failAfter = -1;
      GroupCoordinator groups = rig.restart();
      assertThat(rig.legacy.groups.all()).isEmpty();
      assertThat(groups.committed("a", "orders", 0)).map(CommittedOffset::offset).contains(1L);
      assertThat(groups.committed("b", "orders", 1)).map(CommittedOffset::offset).contains(2L);
      assertThat(groups.committedOffsets()).containsOnlyKeys("a", "b");
    }
  }
}
