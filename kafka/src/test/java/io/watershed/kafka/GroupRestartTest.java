package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Groups and committed offsets are durable: a member that keeps running while the server restarts
 * carries on in the same generation (or member epoch) without a rebalance, and a new member starts
 * where the group's committed offsets say.
 */
class GroupRestartTest {
  private static final String TOPIC = "audit";
  private static final int PARTITIONS = 3;
  private static final int PER_PHASE = 90;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"classic", "consumer"})
  void membershipAndCommittedOffsetsSurviveARestart(String protocol) throws Exception {
    try (GroupTestServer server = new GroupTestServer(dir)) {
      server.server().topics().create(TOPIC, PARTITIONS, Map.of()).join();
      produce(server, "A");
      List<GroupMember> all = new ArrayList<>();
      GroupMember member = member(server, protocol, "before");
      all.add(member);
      try {
        GroupMember.pollUntil(
            List.of(member), () -> member.received.size() >= PER_PHASE, "phase A consumed");
        int generation = member.generation();

        server.restart();
        produce(server, "B");
        GroupMember.pollUntil(
            List.of(member), () -> member.received.size() >= 2 * PER_PHASE, "phase B consumed");
        // Several heartbeats reach the new server before the member is looked at again.
        long until = System.currentTimeMillis() + 2000;
        GroupMember.pollUntil(
            List.of(member), () -> System.currentTimeMillis() > until, "a few heartbeats");
        assertThat(member.generation())
            .as("the member carried on in its generation or epoch")
            .isEqualTo(generation);
        assertThat(member.assignedCallbacks).as("assigned once, never again").isEqualTo(1);
        assertThat(member.revokedCallbacks).isZero();
      } finally {
        member.close();
      }

      server.restart();
      produce(server, "C");
      GroupMember next = member(server, protocol, "after");
      all.add(next);
      try {
        GroupMember.pollUntil(
            List.of(next), () -> next.received.size() >= PER_PHASE, "phase C consumed");
        for (int i = 0; i < 10; i++) {
          next.pollOnce();
        }
      } finally {
        next.close();
      }
      assertThat(next.received)
          .as("a new member starts from the committed offsets")
          .allMatch(v -> v.startsWith("C-"));
      List<String> received = GroupMember.receivedBy(all);
      assertThat(received).doesNotHaveDuplicates();
      assertThat(new HashSet<>(received)).isEqualTo(expected());
    }
  }

  private static GroupMember member(GroupTestServer server, String protocol, String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
    if (protocol.equals("classic")) {
      config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 20_000);
      config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300);
    }
    return new GroupMember(server.bootstrap(), clientId, "restart-" + protocol, config)
        .subscribe(TOPIC);
  }

  private static void produce(GroupTestServer server, String phase) {
    try (KafkaProducer<byte[], byte[]> producer =
        ProduceFetchTest.producer(server.bootstrap(), Map.of())) {
      for (int i = 0; i < PER_PHASE; i++) {
        producer.send(
            new ProducerRecord<>(
                TOPIC, i % PARTITIONS, null, (phase + "-" + i).getBytes(StandardCharsets.UTF_8)));
      }
    }
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
}
