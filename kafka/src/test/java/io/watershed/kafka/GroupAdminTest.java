package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin client's consumer-group operations against groups of both protocols. */
class GroupAdminTest {
  private static final String TOPIC = "orders";
  private static final int PARTITIONS = 4;

  @TempDir Path dir;

  @Test
  @SuppressWarnings("removal") // listConsumerGroups: deprecated, but still what many tools call.
  void listDescribeAlterAndDeleteGroupsAndTheirOffsets() throws Exception {
    try (GroupTestServer server = new GroupTestServer(dir);
        Admin admin =
            Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrap()))) {
      server.server().topics().create(TOPIC, PARTITIONS, Map.of()).join();
      try (KafkaProducer<byte[], byte[]> producer =
          ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
        for (int i = 0; i < 40; i++) {
          producer.send(
              new ProducerRecord<>(
                  TOPIC, i % PARTITIONS, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
        }
      }
      GroupMember billing = member(server, "billing", "classic");
      GroupMember shipping = member(server, "shipping", "consumer");
      List<GroupMember> both = List.of(billing, shipping);
      try {
        GroupMember.pollUntil(
            both,
            () -> billing.received.size() == 40 && shipping.received.size() == 40,
            "both groups read everything");

        Map<String, GroupListing> listed =
            admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                .collect(Collectors.toMap(GroupListing::groupId, g -> g));
        assertThat(listed.get("billing").type()).contains(GroupType.CLASSIC);
        assertThat(listed.get("billing").groupState()).contains(GroupState.STABLE);
        assertThat(listed.get("shipping").type()).contains(GroupType.CONSUMER);
        assertThat(listed.get("shipping").groupState()).contains(GroupState.STABLE);
        assertThat(admin.listConsumerGroups().all().get())
            .extracting(l -> l.groupId())
            .contains("billing", "shipping");

        Map<String, ConsumerGroupDescription> described =
            admin.describeConsumerGroups(List.of("billing", "shipping")).all().get();
        for (String group : List.of("billing", "shipping")) {
          ConsumerGroupDescription d = described.get(group);
          assertThat(d.groupState()).isEqualTo(GroupState.STABLE);
          assertThat(d.members()).singleElement();
          assertThat(d.members().iterator().next().assignment().topicPartitions())
              .hasSize(PARTITIONS);
        }
        assertThat(described.get("billing").type()).isEqualTo(GroupType.CLASSIC);
        assertThat(described.get("billing").partitionAssignor()).isEqualTo("range");
        assertThat(described.get("shipping").type()).isEqualTo(GroupType.CONSUMER);
        assertThat(described.get("shipping").partitionAssignor()).isEqualTo("uniform");

        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get();
        assertThat(offsets).hasSize(PARTITIONS);
        assertThat(offsets.values()).allMatch(o -> o.offset() == 10);

        assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("billing")).all().get())
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(GroupNotEmptyException.class);
        assertThatThrownBy(
                () -> admin.deleteConsumerGroupOffsets("billing", Set.of(partition(0))).all().get())
            .cause()
            .isInstanceOf(GroupSubscribedToTopicException.class);
      } finally {
        billing.close();
        shipping.close();
      }

      admin
          .alterConsumerGroupOffsets("billing", Map.of(partition(0), new OffsetAndMetadata(3)))
          .all()
          .get();
      admin.deleteConsumerGroupOffsets("billing", Set.of(partition(1))).all().get();
      Map<TopicPartition, OffsetAndMetadata> after =
          admin.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get();
      assertThat(after.get(partition(0)).offset()).isEqualTo(3);
      assertThat(after.get(partition(1))).isNull();
      assertThat(after.get(partition(2)).offset()).isEqualTo(10);

      GroupMember rewound = member(server, "billing", "classic");
      try {
        GroupMember.pollUntil(
            List.of(rewound), () -> rewound.received.size() >= 17, "the rewound partitions");
        for (int i = 0; i < 10; i++) {
          rewound.pollOnce();
        }
      } finally {
        rewound.close();
      }
      assertThat(rewound.received)
          .as("7 records of partition 0 from offset 3, all 10 of partition 1")
          .hasSize(17);

      admin.deleteConsumerGroups(List.of("billing", "shipping")).all().get();
      assertThat(admin.listGroups().all().get()).isEmpty();
      assertThatThrownBy(() -> admin.describeConsumerGroups(List.of("billing")).all().get())
          .cause()
          .isInstanceOf(GroupIdNotFoundException.class);
      assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("billing")).all().get())
          .cause()
          .isInstanceOf(GroupIdNotFoundException.class);
    }
  }

  private static TopicPartition partition(int p) {
    return new TopicPartition(TOPIC, p);
  }

  private static GroupMember member(GroupTestServer server, String group, String protocol) {
    return new GroupMember(
            server.bootstrap(),
            group + "-member",
            group,
            Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol))
        .subscribe(TOPIC);
  }
}
