package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.clients.consumer.StickyAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Classic groups leave assignment to the leader client: each of the client's assignors (eager and
 * cooperative) must come out with every partition held once, before and after a member leaves; the
 * group reports the assignor in use; an eager assignor makes everyone give up their partitions in a
 * rebalance, the cooperative one only moves those that must move.
 */
class ClientAssignorsTest {
  private static final String TOPIC = "orders";
  private static final int PARTITIONS = 6;
  private static final int RECORDS = 60;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      classes = {
        RangeAssignor.class,
        RoundRobinAssignor.class,
        StickyAssignor.class,
        CooperativeStickyAssignor.class
      })
  void theAssignorSharesEveryPartitionAndEveryRecordIsReadOnce(Class<?> assignor) throws Exception {
    try (GroupTestServer server = new GroupTestServer(dir)) {
      server.server().topics().create(TOPIC, PARTITIONS, Map.of()).join();
      try (KafkaProducer<byte[], byte[]> producer =
          ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
        for (int i = 0; i < RECORDS; i++) {
          producer.send(
              new ProducerRecord<>(
                  TOPIC, i % PARTITIONS, null, ("r" + i).getBytes(StandardCharsets.UTF_8)));
        }
      }
      Map<String, Object> config =
          Map.of(
              ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
              assignor.getName(),
              ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
              300,
              ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
              GroupTestServer.SESSION_TIMEOUT_MS,
              ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
              5);
      List<GroupMember> all = new ArrayList<>();
      List<GroupMember> live = new ArrayList<>();
      try {
        for (int i = 1; i <= 3; i++) {
          GroupMember m =
              new GroupMember(server.bootstrap(), "member-" + i, "assigned", config)
                  .subscribe(TOPIC);
          all.add(m);
          live.add(m);
        }
        GroupMember.pollUntil(live, () -> GroupMember.shareAll(live, PARTITIONS), "3 members");
        // The group runs the assignor the members offered, and says so.
        try (Admin admin = AdminClients.admin(server.bootstrap())) {
          ConsumerGroupDescription group =
              admin
                  .describeConsumerGroups(List.of("assigned"))
                  .describedGroups()
                  .get("assigned")
                  .get();
          assertThat(group.partitionAssignor()).isEqualTo(assignorName(assignor));
          assertThat(group.members()).hasSize(3);
        }
        int revokedBefore = live.get(0).revokedCallbacks + live.get(1).revokedCallbacks;

        live.remove(2).close();
        GroupMember.pollUntil(
            live,
            () ->
                GroupMember.shareAll(live, PARTITIONS)
                    && GroupMember.receivedBy(all).size() >= RECORDS,
            "2 members holding everything and every record read");

        int revokedDuringLeave =
            live.get(0).revokedCallbacks + live.get(1).revokedCallbacks - revokedBefore;
        if (assignor == CooperativeStickyAssignor.class) {
          // Incremental: the members that stay keep what they had and only gain.
          assertThat(revokedDuringLeave).isZero();
        } else {
          // Eager: every member gives everything back before the new assignment.
          assertThat(revokedDuringLeave).isGreaterThanOrEqualTo(2);
        }

        List<String> received = GroupMember.receivedBy(all);
        assertThat(received).doesNotHaveDuplicates();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < RECORDS; i++) {
          expected.add("r" + i);
        }
        assertThat(new HashSet<>(received)).isEqualTo(expected);
      } finally {
        live.forEach(GroupMember::close);
      }
    }
  }

  /** The protocol name the assignor registers under ("range", "cooperative-sticky" …). */
  private static String assignorName(Class<?> assignor) throws Exception {
    return ((ConsumerPartitionAssignor) assignor.getConstructor().newInstance()).name();
  }
}
