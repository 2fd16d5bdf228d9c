package io.watershed.kafka.group;

import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.PartitionAssignment;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.types.SchemaException;

/** Builds {@link GroupView}s of the coordinated groups. Runs on its shard's owner. */
final class GroupViews {
  private final GroupShard shard;
  private final TopicLookup persistence;

  GroupViews(GroupShard shard) {
    this.shard = shard;
    this.persistence = shard.topics;
  }

  /** The views of this shard's groups, sorted by id. */
  List<GroupView> all() {
    List<GroupView> out = new ArrayList<>();
    for (CoordinatedGroup g : shard.allGroups()) {
      out.add(view(g));
    }
    out.sort(Comparator.comparing(GroupView::groupId));
    return out;
  }

  private GroupView view(CoordinatedGroup group) {
    List<GroupView.Member> members = new ArrayList<>();
    String protocol;
    switch (group) {
      case ClassicGroup g -> {
        protocol = g.protocolName() == null ? "" : g.protocolName();
        for (ClassicMember m : g.members()) {
          members.add(
              new GroupView.Member(
                  m.memberId,
                  m.groupInstanceId,
                  m.clientId,
                  m.clientHost,
                  classicAssignment(g, m)));
        }
      }
      case ConsumerGroup g -> {
        protocol = UniformAssignor.NAME;
        for (ConsumerMemberRecord m : g.members()) {
          members.add(
              new GroupView.Member(
                  m.memberId(),
                  m.instanceId(),
                  m.clientId(),
                  m.clientHost(),
                  consumerAssignment(m.assigned())));
        }
      }
    }
    members.sort(Comparator.comparing(GroupView.Member::memberId));
    return new GroupView(
        group.groupId(), group.typeName(), group.stateName(), protocol, List.copyOf(members));
  }

  /** A consumer's assignment as the leader encoded it; empty for other protocol types. */
  private static Map<String, List<Integer>> classicAssignment(ClassicGroup g, ClassicMember m) {
    Map<String, List<Integer>> out = new TreeMap<>();
    if (!ConsumerProtocol.PROTOCOL_TYPE.equals(g.protocolType()) || m.assignment.size() == 0) {
      return out;
    }
    try {
      ByteBuffer buffer = ByteBuffer.wrap(m.assignment.toArray());
      for (TopicPartition tp : ConsumerProtocol.deserializeAssignment(buffer).partitions()) {
        out.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
      }
    } catch (SchemaException | BufferUnderflowException | IllegalArgumentException e) {
      out.clear();
    }
    out.values().forEach(l -> l.sort(null));
    return out;
  }

  private Map<String, List<Integer>> consumerAssignment(PartitionAssignment a) {
    Map<String, List<Integer>> out = new TreeMap<>();
    a.partitions()
        .forEach(
            (topicId, partitions) ->
                persistence
                    .topic(topicId)
                    .ifPresent(t -> out.put(t.name(), new ArrayList<>(partitions))));
    return out;
  }
}
