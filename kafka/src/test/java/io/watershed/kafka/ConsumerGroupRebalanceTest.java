package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three real consumers share a six-partition topic, with either group protocol; one leaves cleanly,
 * another dies (stops heartbeating without leaving). Every record is read, and since each member
 * commits what it processed before polling again, none is read twice.
 */
class ConsumerGroupRebalanceTest {
  private static final String TOPIC = "events";
  private static final int PARTITIONS = 6;
  private static final int PER_PHASE = 300;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"classic", "consumer"})
  void membersLeavingOrDyingHandTheirPartitionsOverWithoutLossOrRepeats(String protocol)
      throws Exception {
    try (GroupTestServer server = new GroupTestServer(dir)) {
      server.server().topics().create(TOPIC, PARTITIONS, Map.of()).join();
      List<GroupMember> members = new ArrayList<>();
      List<GroupMember> live = new ArrayList<>();
      try (KafkaProducer<byte[], byte[]> producer =
          ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
        for (int i = 1; i <= 3; i++) {
          GroupMember m =
              new GroupMember(
                      server.bootstrap(),
                      protocol + "-c" + i,
                      "group-" + protocol,
                      config(protocol))
                  .subscribe(TOPIC);
          members.add(m);
          live.add(m);
        }
        pollUntil(live, () -> coversAllPartitions(live, 3), "three members share the partitions");

        produce(producer, "A");
        pollUntil(live, () -> received(members) >= PER_PHASE, "phase A consumed");

        GroupMember leaving = live.remove(2);
        leaving.close();
        produce(producer, "B");
        pollUntil(
            live,
            () -> received(members) >= 2 * PER_PHASE && coversAllPartitions(live, 2),
            "phase B consumed by the two remaining members");

        GroupMember dying = live.remove(1);
        server.cut(dying.clientId);
        produce(producer, "C");
        pollUntil(
            live,
            () -> received(members) >= 3 * PER_PHASE && coversAllPartitions(live, 1),
            "phase C consumed by the last member after the dead one's session expired");
        dying.abandon();

        List<String> all = GroupMember.receivedBy(members);
        assertThat(all).doesNotHaveDuplicates().hasSize(3 * PER_PHASE);
        assertThat(new HashSet<>(all)).isEqualTo(expected());
        assertThat(members.get(1).received).as("the dying member had done its share").isNotEmpty();
      } finally {
        live.forEach(GroupMember::close);
      }
    }
  }

  private static Map<String, Object> config(String protocol) {
    if (protocol.equals("classic")) {
      return Map.of(
          ConsumerConfig.GROUP_PROTOCOL_CONFIG,
          protocol,
          ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
          GroupTestServer.SESSION_TIMEOUT_MS,
          ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
          300);
    }
    // The consumer protocol takes session timeout and heartbeat interval from the broker.
    return Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
  }

  private static void produce(KafkaProducer<byte[], byte[]> producer, String phase)
      throws Exception {
    for (int i = 0; i < PER_PHASE; i++) {
      producer.send(
          new ProducerRecord<>(
              TOPIC, i % PARTITIONS, null, (phase + "-" + i).getBytes(StandardCharsets.UTF_8)));
    }
    producer.flush();
  }

  private static Set<String> expected() {
    Set<String> values = new HashSet<>();
    for (String phase : List.of("A", "B", "C")) {
      for (int i = 0; i < PER_PHASE; i++) {
        values.add(phase + "-" + i);
      }
    }
    return values;
  }

  private static int received(List<GroupMember> members) {
    return members.stream().mapToInt(m -> m.received.size()).sum();
  }

  private static boolean coversAllPartitions(List<GroupMember> members, int count) {
    return members.size() == count && GroupMember.shareAll(members, PARTITIONS);
  }

  private static void pollUntil(List<GroupMember> live, BooleanSupplier done, String what) {
    GroupMember.pollUntil(live, done, what);
  }
}
