package io.watershed.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.group.PartitionAssignment;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class UniformAssignorTest {
  private static final UUID A = new UUID(0, 1);
  private static final UUID B = new UUID(0, 2);

  private static TreeMap<String, Set<UUID>> members(int count, Set<UUID> topics) {
    TreeMap<String, Set<UUID>> out = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      out.put("m" + i, topics);
    }
    return out;
  }

  /** Every partition of every subscribed topic is held by exactly one subscribed member. */
  private static void assertComplete(
      Map<String, Set<UUID>> subscriptions,
      Map<UUID, Integer> counts,
      Map<String, PartitionAssignment> result) {
    Set<IdPartition> seen = new HashSet<>();
    result.forEach(
        (member, assignment) ->
            assignment
                .partitions()
                .forEach(
                    (topic, partitions) -> {
                      assertThat(subscriptions.get(member)).contains(topic);
                      for (int p : partitions) {
                        assertThat(p).isLessThan(counts.get(topic));
                        assertThat(seen.add(new IdPartition(topic, p))).isTrue();
                      }
                    }));
    int expected = 0;
    for (UUID topic : counts.keySet()) {
      if (subscriptions.values().stream().anyMatch(s -> s.contains(topic))) {
        expected += counts.get(topic);
      }
    }
    assertThat(seen).hasSize(expected);
  }

  @Property(tries = 200)
  void sameSubscriptionsGiveCountsWithinOneAndMoveFewPartitionsWhenAMemberJoins(
      @ForAll @IntRange(min = 1, max = 12) int members,
      @ForAll @IntRange(min = 0, max = 40) int partitionsA,
      @ForAll @IntRange(min = 1, max = 40) int partitionsB) {
    Map<UUID, Integer> counts = Map.of(A, partitionsA, B, partitionsB);
    TreeMap<String, Set<UUID>> subs = members(members, Set.of(A, B));
    Map<String, PartitionAssignment> first = UniformAssignor.assign(subs, counts, Map.of());
    assertComplete(subs, counts, first);
    int min = first.values().stream().mapToInt(PartitionAssignment::count).min().orElseThrow();
    int max = first.values().stream().mapToInt(PartitionAssignment::count).max().orElseThrow();
    assertThat(max - min).isLessThanOrEqualTo(1);

    TreeMap<String, Set<UUID>> more = members(members + 1, Set.of(A, B));
    Map<String, PartitionAssignment> second = UniformAssignor.assign(more, counts, first);
    assertComplete(more, counts, second);
    int moved = 0;
    for (String m : first.keySet()) {
      for (Map.Entry<UUID, SortedSet<Integer>> e : first.get(m).partitions().entrySet()) {
        for (int p : e.getValue()) {
          if (!second.get(m).contains(e.getKey(), p)) {
            moved++;
          }
        }
      }
    }
    int total = partitionsA + partitionsB;
    assertThat(moved)
        .as("only what the new member needs moves")
        .isLessThanOrEqualTo((total + members) / (members + 1));
  }

  @Property(tries = 200)
  void differentSubscriptionsOnlyEverGetSubscribedTopics(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 2) Integer> kinds,
      @ForAll @IntRange(min = 1, max = 20) int partitionsA,
      @ForAll @IntRange(min = 1, max = 20) int partitionsB) {
    TreeMap<String, Set<UUID>> subs = new TreeMap<>();
    for (int i = 0; i < kinds.size(); i++) {
      subs.put(
          "m" + i,
          switch (kinds.get(i)) {
            case 0 -> Set.of(A);
            case 1 -> Set.of(B);
            default -> Set.of(A, B);
          });
    }
    Map<UUID, Integer> counts = Map.of(A, partitionsA, B, partitionsB);
    Map<String, PartitionAssignment> result = UniformAssignor.assign(subs, counts, Map.of());
    assertComplete(subs, counts, result);
    assertThat(UniformAssignor.assign(subs, counts, Map.of())).isEqualTo(result);
  }

  @Test
  void keepsPreviousPartitionsThatStillExistAndDropsDeletedTopics() {
    TreeMap<String, Set<UUID>> subs = members(2, Set.of(A));
    Map<String, PartitionAssignment> previous = new HashMap<>();
    previous.put("m0", PartitionAssignment.of(Map.of(A, List.of(0, 1), B, List.of(0))));
    previous.put("m1", PartitionAssignment.of(Map.of(A, List.of(2, 3))));

    Map<String, PartitionAssignment> result = UniformAssignor.assign(subs, Map.of(A, 4), previous);

    assertThat(result.get("m0")).isEqualTo(PartitionAssignment.of(Map.of(A, List.of(0, 1))));
    assertThat(result.get("m1")).isEqualTo(PartitionAssignment.of(Map.of(A, List.of(2, 3))));
  }
}
