package io.watershed.kafka.group;

import io.watershed.core.group.PartitionAssignment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The server-side assignor of consumer groups, {@code uniform} as in Kafka: every partition of a
 * subscribed topic goes to one member subscribed to it, partition counts per member are as even as
 * the subscriptions allow, and as few partitions as possible move from where the previous target
 * assignment put them (each move costs a revocation on one member and a wait on another).
 *
 * <ol>
 *   <li>Each member keeps the partitions of its previous target that still exist and that it still
 *       subscribes to.
 *   <li>Every partition left over goes to the subscribed member holding the fewest.
 *   <li>While some member holds at least two more partitions than a member that could take one of
 *       them, one partition moves from the first to the second.
 * </ol>
 *
 * <p>The outcome depends only on the inputs (ties go to the smaller member id), so replaying the
 * same heartbeats gives the same assignment. Each move lowers the sum of squared counts, so step 3
 * ends; it costs O(partitions) per move. Pure and thread-safe.
 */
final class UniformAssignor {
  /** The name clients may ask for in {@code group.remote.assignor}. */
  static final String NAME = "uniform";

  private UniformAssignor() {}

  /**
   * Assigns the partitions of the subscribed topics.
   *
   * @param subscriptions the topic ids each member subscribes to, by member id
   * @param partitionCounts the partition count of each existing topic, by topic id
   * @param previous the previous target assignment by member id; members absent start empty
   * @return the new target of every member in {@code subscriptions}
   */
  static Map<String, PartitionAssignment> assign(
      SortedMap<String, Set<UUID>> subscriptions,
      Map<UUID, Integer> partitionCounts,
      Map<String, PartitionAssignment> previous) {
    Map<String, TreeSet<IdPartition>> held = new TreeMap<>();
    Map<UUID, List<String>> subscribers = new TreeMap<>();
    subscriptions.forEach(
        (member, topics) -> {
          held.put(member, new TreeSet<>());
          for (UUID topic : topics) {
            if (partitionCounts.containsKey(topic)) {
              subscribers.computeIfAbsent(topic, t -> new ArrayList<>()).add(member);
            }
          }
        });
    Set<IdPartition> taken = new HashSet<>();
    keepPrevious(subscriptions, partitionCounts, previous, held, taken);
    placeLeftovers(subscribers, partitionCounts, held, taken);
    balance(subscribers, held);
    Map<String, PartitionAssignment> out = new TreeMap<>();
    held.forEach((member, partitions) -> out.put(member, toAssignment(partitions)));
    return out;
  }

  private static void keepPrevious(
      SortedMap<String, Set<UUID>> subscriptions,
      Map<UUID, Integer> partitionCounts,
      Map<String, PartitionAssignment> previous,
      Map<String, TreeSet<IdPartition>> held,
      Set<IdPartition> taken) {
    subscriptions.forEach(
        (member, topics) -> {
          PartitionAssignment before = previous.get(member);
          if (before == null) {
            return;
          }
          before
              .partitions()
              .forEach(
                  (topic, indexes) -> {
                    Integer count = partitionCounts.get(topic);
                    if (count == null || !topics.contains(topic)) {
                      return;
                    }
                    for (int p : indexes) {
                      IdPartition key = new IdPartition(topic, p);
                      if (p < count && taken.add(key)) {
                        held.get(member).add(key);
                      }
                    }
                  });
        });
  }

  private static void placeLeftovers(
      Map<UUID, List<String>> subscribers,
      Map<UUID, Integer> partitionCounts,
      Map<String, TreeSet<IdPartition>> held,
      Set<IdPartition> taken) {
    subscribers.forEach(
        (topic, members) -> {
          for (int p = 0; p < partitionCounts.get(topic); p++) {
            IdPartition key = new IdPartition(topic, p);
            if (!taken.contains(key)) {
              held.get(leastLoaded(members, held, null)).add(key);
              taken.add(key);
            }
          }
        });
  }

  private static void balance(
      Map<UUID, List<String>> subscribers, Map<String, TreeSet<IdPartition>> held) {
    Comparator<String> mostLoadedFirst =
        Comparator.<String>comparingInt(m -> -held.get(m).size()).thenComparing(m -> m);
    boolean moved = true;
    while (moved) {
      moved = false;
      List<String> byLoad = new ArrayList<>(held.keySet());
      byLoad.sort(mostLoadedFirst);
      search:
      for (String from : byLoad) {
        int load = held.get(from).size();
        for (IdPartition p : held.get(from).descendingSet()) {
          String to = leastLoaded(subscribers.get(p.topicId()), held, from);
          if (to != null && held.get(to).size() + 1 < load) {
            held.get(from).remove(p);
            held.get(to).add(p);
            moved = true;
            break search;
          }
        }
      }
    }
  }

  /** The member of {@code candidates} other than {@code except} holding the fewest partitions. */
  private static String leastLoaded(
      List<String> candidates, Map<String, TreeSet<IdPartition>> held, String except) {
    String best = null;
    for (String m : candidates) {
      if (!m.equals(except) && (best == null || held.get(m).size() < held.get(best).size())) {
        best = m;
      }
    }
    return best;
  }

  private static PartitionAssignment toAssignment(Set<IdPartition> partitions) {
    Map<UUID, List<Integer>> byTopic = new HashMap<>();
    for (IdPartition p : partitions) {
      byTopic.computeIfAbsent(p.topicId(), t -> new ArrayList<>()).add(p.partition());
    }
    return PartitionAssignment.of(byTopic);
  }
}
