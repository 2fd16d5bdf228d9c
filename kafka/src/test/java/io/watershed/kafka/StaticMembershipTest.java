package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Static membership (KIP-345): a member that restarts with the same group.instance.id within its
 * session takes its partitions back; the group does not rebalance, so the other member keeps
 * working undisturbed.
 */
class StaticMembershipTest {
  private static final String TOPIC = "ledger";
  private static final int PARTITIONS = 4;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"classic", "consumer"})
  void aRestartedStaticMemberTakesItsPartitionsBackWithoutARebalance(String protocol)
      throws Exception {
    try (GroupTestServer server = new GroupTestServer(dir)) {
      server.server().topics().create(TOPIC, PARTITIONS, Map.of()).join();
      List<GroupMember> live = new ArrayList<>();
      try {
        GroupMember first = member(server, protocol, "first", "instance-1");
        GroupMember second = member(server, protocol, "second", "instance-2");
        live.add(first);
        live.add(second);
        GroupMember.pollUntil(live, () -> GroupMember.shareAll(live, PARTITIONS), "2 members");
        // Let the first answers settle: both members stable at the same generation.
        GroupMember.pollUntil(
            live, () -> first.generation() == second.generation(), "one generation");
        int generation = second.generation();
        Set<TopicPartition> firstPartitions = Set.copyOf(first.assignment());
        int secondAssigned = second.assignedCallbacks;
        int secondRevoked = second.revokedCallbacks;

        live.remove(first);
        first.close();
        GroupMember again = member(server, protocol, "first-again", "instance-1");
        live.add(again);
        GroupMember.pollUntil(
            live, () -> again.assignment().equals(firstPartitions), "the instance back");
        for (int i = 0; i < 10; i++) {
          live.forEach(GroupMember::pollOnce);
        }

        assertThat(again.generation()).isEqualTo(generation);
        assertThat(second.generation()).isEqualTo(generation);
        assertThat(second.assignedCallbacks).isEqualTo(secondAssigned);
        assertThat(second.revokedCallbacks).isEqualTo(secondRevoked);
        assertThat(GroupMember.shareAll(live, PARTITIONS)).isTrue();
      } finally {
        live.forEach(GroupMember::close);
      }
    }
  }

  private static GroupMember member(
      GroupTestServer server, String protocol, String clientId, String instanceId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
    config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
    if (protocol.equals("classic")) {
      config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 20_000);
      config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 300);
    }
    return new GroupMember(server.bootstrap(), clientId, "static-" + protocol, config)
        .subscribe(TOPIC);
  }
}
