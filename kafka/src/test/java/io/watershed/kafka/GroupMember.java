package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;

/**
 * A consumer in a test group that processes records the way a careful at-least-once application
 * does: it records every value it receives and commits synchronously before polling again, and it
 * commits in the revocation callback, so that no record it processed is read again by the next
 * owner of the partition. A commit refused because a (cooperative) rebalance is under way is
 * retried after the next poll. It counts the rebalance callbacks it sees.
 */
final class GroupMember implements AutoCloseable {
  final String clientId;
  final KafkaConsumer<byte[], byte[]> consumer;
  final List<String> received = new ArrayList<>();
  int assignedCallbacks;
  int revokedCallbacks;
  private boolean uncommitted;
  private boolean abandoned;

  GroupMember(String bootstrap, String clientId, String groupId, Map<String, Object> extra) {
    this.clientId = clientId;
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.putAll(extra);
    this.consumer = ProduceFetchTest.consumer(bootstrap, config);
  }

  /** Subscribes, counting rebalance callbacks. */
  GroupMember subscribe(String topic) {
    consumer.subscribe(
        List.of(topic),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
              revokedCallbacks++;
              if (!abandoned) {
                commit();
              }
            }
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
              assignedCallbacks++;
            }
          }
        });
    return this;
  }

  /** One poll; what it returns is recorded, then committed. */
  void pollOnce() {
    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(50));
    for (ConsumerRecord<byte[], byte[]> r : records) {
      received.add(new String(r.value(), StandardCharsets.UTF_8));
    }
    if (!records.isEmpty() || uncommitted) {
      commit();
    }
  }

  private void commit() {
    try {
      consumer.commitSync();
      uncommitted = false;
    } catch (RebalanceInProgressException e) {
      uncommitted = true;
    }
  }

  Set<TopicPartition> assignment() {
    return consumer.assignment();
  }

  /** The generation (classic) or member epoch (consumer protocol) the member last got. */
  int generation() {
    return consumer.groupMetadata().generationId();
  }

  /** Polls every member in turn until {@code done}, failing after 45 seconds. */
  static void pollUntil(List<GroupMember> members, BooleanSupplier done, String what) {
    long deadline = System.currentTimeMillis() + 45_000;
    while (!done.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("waiting for: " + what).isLessThan(deadline);
      for (GroupMember m : members) {
        m.pollOnce();
      }
    }
  }

  /**
   * Whether the members share the topic's {@code partitions} partitions: each holds some, and
   * together they hold every one exactly once.
   */
  static boolean shareAll(List<GroupMember> members, int partitions) {
    Set<TopicPartition> union = new HashSet<>();
    int total = 0;
    for (GroupMember m : members) {
      if (m.assignment().isEmpty()) {
        return false;
      }
      union.addAll(m.assignment());
      total += m.assignment().size();
    }
    return union.size() == partitions && total == partitions;
  }

  /** Everything the members received, in no particular order. */
  static List<String> receivedBy(List<GroupMember> members) {
    List<String> all = new ArrayList<>();
    members.forEach(m -> all.addAll(m.received));
    return all;
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }

  /**
   * Closes without waiting or committing: for a member cut off from the broker, whose process is
   * meant to be dead.
   */
  void abandon() {
    abandoned = true;
    consumer.close(CloseOptions.timeout(Duration.ZERO));
  }
}
