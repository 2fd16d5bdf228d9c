package io.watershed.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.MemberAssignmentState;
import io.watershed.core.group.PartitionAssignment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AssignmentReconcilerTest {
  private static final UUID T = new UUID(0, 7);

  private static PartitionAssignment parts(Integer... partitions) {
    return PartitionAssignment.of(Map.of(T, List.of(partitions)));
  }

  private static ConsumerMemberRecord member(
      int epoch,
      MemberAssignmentState state,
      PartitionAssignment assigned,
      PartitionAssignment pending) {
    return new ConsumerMemberRecord(
        "m",
        null,
        null,
        "c",
        "/h",
        List.of("t"),
        null,
        null,
        30_000,
        epoch,
        epoch - 1,
        state,
        assigned,
        pending,
        PartitionAssignment.EMPTY);
  }

  private static Map<UUID, Set<Integer>> owns(Integer... partitions) {
    return Map.of(T, Set.of(partitions));
  }

  @Test
  void partitionsToGiveUpAreRevokedFirstAtTheSameEpoch() {
    ConsumerMemberRecord m =
        member(3, MemberAssignmentState.STABLE, parts(0, 1, 2), PartitionAssignment.EMPTY);

    ConsumerMemberRecord next =
        AssignmentReconciler.reconcile(m, 4, parts(0, 3), (t, p) -> null, owns(0, 1, 2));

    assertThat(next.state()).isEqualTo(MemberAssignmentState.UNREVOKED_PARTITIONS);
    assertThat(next.memberEpoch()).isEqualTo(3);
    assertThat(next.assigned()).isEqualTo(parts(0));
    assertThat(next.pendingRevocation()).isEqualTo(parts(1, 2));
  }

  @Test
  void onceRevokedTheMemberMovesToTheTargetEpochAndGetsFreePartitions() {
    ConsumerMemberRecord m =
        member(3, MemberAssignmentState.UNREVOKED_PARTITIONS, parts(0), parts(1, 2));

    assertThat(AssignmentReconciler.reconcile(m, 4, parts(0, 3), (t, p) -> null, owns(0, 1)))
        .as("still owns partition 1")
        .isSameAs(m);
    ConsumerMemberRecord next =
        AssignmentReconciler.reconcile(m, 4, parts(0, 3), (t, p) -> null, owns(0));

    assertThat(next.state()).isEqualTo(MemberAssignmentState.STABLE);
    assertThat(next.memberEpoch()).isEqualTo(4);
    assertThat(next.previousMemberEpoch()).isEqualTo(3);
    assertThat(next.assigned()).isEqualTo(parts(0, 3));
    assertThat(next.pendingRevocation()).isEqualTo(PartitionAssignment.EMPTY);
  }

  @Test
  void aPartitionAnotherMemberStillHoldsIsWithheldUntilItIsReleased() {
    ConsumerMemberRecord m =
        member(3, MemberAssignmentState.STABLE, parts(0), PartitionAssignment.EMPTY);

    ConsumerMemberRecord waiting =
        AssignmentReconciler.reconcile(
            m, 4, parts(0, 1, 2), (t, p) -> p == 2 ? "other" : null, owns(0));
    assertThat(waiting.state()).isEqualTo(MemberAssignmentState.UNRELEASED_PARTITIONS);
    assertThat(waiting.memberEpoch()).isEqualTo(4);
    assertThat(waiting.assigned()).isEqualTo(parts(0, 1));

    ConsumerMemberRecord done =
        AssignmentReconciler.reconcile(waiting, 4, parts(0, 1, 2), (t, p) -> null, owns(0, 1));
    assertThat(done.state()).isEqualTo(MemberAssignmentState.STABLE);
    assertThat(done.assigned()).isEqualTo(parts(0, 1, 2));
  }
}
