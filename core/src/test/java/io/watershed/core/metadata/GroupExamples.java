package io.watershed.core.metadata;

import io.watershed.core.group.Bytes;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ClassicMemberRecord;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.MemberAssignmentState;
import io.watershed.core.group.PartitionAssignment;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Membership records for tests. */
final class GroupExamples {

  private GroupExamples() {}

  /** A classic consumer group of two members at generation 4; member a1 leads. */
  static ClassicGroupMembership classic() {
    return new ClassicGroupMembership(
        "consumer",
        4,
        "range",
        "a1",
        List.of(
            new ClassicMemberRecord(
                "a1",
                null,
                "client-a",
                "/127.0.0.1",
                30_000,
                10_000,
                Bytes.of(new byte[] {0, 1, 2}),
                Bytes.of(new byte[] {9})),
            new ClassicMemberRecord(
                "b1",
                "instance-b",
                "client-b",
                "/127.0.0.1",
                30_000,
                10_000,
                Bytes.of(new byte[] {0, 1, 3}),
                Bytes.EMPTY)));
  }

  /** A stable consumer-group member owning partitions 0 and 1 of {@code topicId}. */
  static ConsumerMemberRecord consumerMember(String memberId, UUID topicId) {
    PartitionAssignment owned = PartitionAssignment.of(Map.of(topicId, List.of(0, 1)));
    return new ConsumerMemberRecord(
        memberId,
        null,
        null,
        "client-" + memberId,
        "/127.0.0.1",
        List.of("orders"),
        null,
        null,
        45_000,
        3,
        2,
        MemberAssignmentState.STABLE,
        owned,
        PartitionAssignment.EMPTY,
        owned);
  }
}
