package io.watershed.core.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.core.metadata.MetadataError;
import io.watershed.core.metadata.MetadataStore;
import io.watershed.core.metadata.MetadataStoreOptions;
import io.watershed.core.metadata.TopicConfigValidator;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupStoreTest {
  @TempDir Path dataDir;

  private TopicStore open() throws Exception {
    return TopicStore.open(dataDir, LogManagerConfig.defaults(dataDir));
  }

  private static PartitionOffset offset(String topic, int partition, long offset) {
    return new PartitionOffset(topic, partition, new CommittedOffset(offset, 0, "meta", 1234));
  }

  private static ClassicGroupMembership classicGroupOfOne(int generation) {
    return new ClassicGroupMembership(
        "consumer",
        generation,
        "range",
        "m1",
        List.of(
            new ClassicMemberRecord(
                "m1",
                "instance-1",
                "client",
                "/10.0.0.1",
                60_000,
                10_000,
                Bytes.of(new byte[] {1, 2}),
                Bytes.of(new byte[] {3}))));
  }

  @Test
  void committedOffsetsGroupsAndMembershipSurviveARestart() throws Exception {
    UUID topicId;
    try (TopicStore store = open()) {
      topicId = store.create("orders", 4, Map.of()).join().topicId();
      GroupStore groups = store.groups();
      groups
          .commitOffsets("billing", List.of(offset("orders", 0, 10), offset("orders", 3, 7)))
          .join();
      groups.commitOffsets("billing", List.of(offset("orders", 0, 11))).join();
      groups.putClassicGroup("billing", classicGroupOfOne(3)).join();
      groups
          .updateConsumerGroup("shipping", 2, 2, List.of(consumerMember("c1", topicId)), List.of())
          .join();
    }
    try (TopicStore store = open()) {
      GroupStore groups = store.groups();
      assertThat(groups.committed("billing", "orders", 0))
          .contains(new CommittedOffset(11, 0, "meta", 1234));
      assertThat(groups.committed("billing", "orders", 3).orElseThrow().offset()).isEqualTo(7);
      assertThat(groups.committed("billing", "orders", 1)).isEmpty();
      assertThat(groups.group("billing").orElseThrow().membership()).contains(classicGroupOfOne(3));
      ConsumerGroupMembership shipping =
          (ConsumerGroupMembership) groups.group("shipping").orElseThrow().membership().get();
      assertThat(shipping.groupEpoch()).isEqualTo(2);
      assertThat(shipping.member("c1")).contains(consumerMember("c1", topicId));
      assertThat(groups.groups().all())
          .extracting(GroupImage::groupId)
          .containsExactly("billing", "shipping");
    }
  }

  @Test
  void aSnapshotCarriesTheGroupsAcrossARestart() throws Exception {
    try (MetadataStore metadata = openMetadata(3)) {
      GroupStore groups = new GroupStore(metadata);
      groups.putClassicGroup("g", classicGroupOfOne(1)).join();
      groups.putClassicGroup("g", classicGroupOfOne(2)).join();
      groups.putClassicGroup("g", classicGroupOfOne(3)).join();
      groups.deleteGroup("absent").join();
    }
    try (MetadataStore metadata = openMetadata(3)) {
      assertThat(metadata.image().lastAppliedIndex()).isEqualTo(4);
      assertThat(new GroupStore(metadata).group("g").orElseThrow().membership())
          .contains(classicGroupOfOne(3));
    }
  }

  @Test
  void deletingATopicDeletesItsOffsetsSoARecreatedTopicStartsWithNone() throws Exception {
    try (TopicStore store = open()) {
      store.create("orders", 2, Map.of()).join();
      store.create("payments", 1, Map.of()).join();
      GroupStore groups = store.groups();
      groups.commitOffsets("a", List.of(offset("orders", 1, 5), offset("payments", 0, 9))).join();
      groups.commitOffsets("b", List.of(offset("orders", 0, 3))).join();

      store.delete("orders").join();
      store.create("orders", 2, Map.of()).join();

      assertThat(groups.committed("a", "orders", 1)).isEmpty();
      assertThat(groups.committed("a", "payments", 0).orElseThrow().offset()).isEqualTo(9);
      assertThat(groups.group("b")).as("a group left with nothing is gone").isEmpty();
    }
  }

  @Test
  void aCommitForAPartitionThatDoesNotExistCommitsNothing() throws Exception {
    try (TopicStore store = open()) {
      store.create("orders", 2, Map.of()).join();
      GroupStore groups = store.groups();

      assertThatThrownBy(
              () ->
                  groups
                      .commitOffsets("g", List.of(offset("orders", 0, 1), offset("gone", 0, 1)))
                      .join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              GroupStoreException.class,
              e -> assertThat(e.error()).isEqualTo(MetadataError.UNKNOWN_TOPIC));
      assertThatThrownBy(() -> groups.commitOffsets("g", List.of(offset("orders", 2, 1))).join())
          .cause()
          .isInstanceOfSatisfying(
              GroupStoreException.class,
              e -> assertThat(e.error()).isEqualTo(MetadataError.INVALID_PARTITIONS));
      assertThat(groups.group("g")).isEmpty();
    }
  }

  @Test
  void deletingOffsetsAndGroupsLeavesTheRestAlone() throws Exception {
    try (TopicStore store = open()) {
      store.create("orders", 3, Map.of()).join();
      GroupStore groups = store.groups();
      groups.commitOffsets("g", List.of(offset("orders", 0, 1), offset("orders", 1, 2))).join();
      groups.putClassicGroup("h", classicGroupOfOne(1)).join();
      groups.commitOffsets("h", List.of(offset("orders", 2, 3))).join();

      groups.deleteOffsets("g", List.of(new PartitionKey("orders", 0))).join();
      assertThat(groups.group("g").orElseThrow().offsets().all())
          .containsExactly(offset("orders", 1, 2));

      groups.deleteOffsets("h", List.of(new PartitionKey("orders", 2))).join();
      assertThat(groups.group("h")).as("the membership record keeps the group").isPresent();

      groups.deleteGroup("h").join();
      assertThat(groups.group("h")).isEmpty();
      assertThat(groups.group("g")).isPresent();
    }
  }

  /**
   * Commits of many groups at once share fsyncs, and a commit copies nothing of the groups it does
   * not touch: they stay the very same objects in the next image.
   */
  @Test
  void concurrentCommitsShareFsyncsAndLeaveOtherGroupsUntouched() throws Exception {
    try (MetadataStore metadata = openMetadata(100_000)) {
      GroupStore groups = new GroupStore(metadata);
      metadata
          .submit(new io.watershed.core.metadata.CreateTopic("t", 8, Map.of(), UUID.randomUUID()))
          .join();
      List<CompletableFuture<Void>> commits = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        commits.add(groups.commitOffsets("group-" + (i % 200), List.of(offset("t", i % 8, i))));
      }
      CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).join();

      assertThat(metadata.counters().commandsLogged()).isEqualTo(2001);
      assertThat(metadata.counters().groupCommits()).isLessThan(1000);

      GroupImage untouched = groups.group("group-7").orElseThrow();
      groups.commitOffsets("group-8", List.of(offset("t", 0, 99))).join();
      assertThat(groups.group("group-7").orElseThrow()).isSameAs(untouched);
    }
  }

  private MetadataStore openMetadata(int snapshotInterval) throws Exception {
    return MetadataStore.open(
        dataDir,
        MetadataStoreOptions.defaults().withSnapshotInterval(snapshotInterval),
        TopicConfigValidator.acceptAll(),
        (i, c, r, m) -> {});
  }

  private static ConsumerMemberRecord consumerMember(String id, UUID topicId) {
    PartitionAssignment owned = PartitionAssignment.of(Map.of(topicId, List.of(0, 2)));
    return new ConsumerMemberRecord(
        id,
        "instance-" + id,
        "rack-1",
        "client",
        "/10.0.0.2",
        List.of("orders"),
        null,
        "uniform",
        30_000,
        2,
        1,
        MemberAssignmentState.STABLE,
        owned,
        PartitionAssignment.EMPTY,
        owned);
  }
}
