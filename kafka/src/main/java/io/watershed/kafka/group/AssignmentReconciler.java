package io.watershed.kafka.group;

import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.MemberAssignmentState;
import io.watershed.core.group.PartitionAssignment;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Moves one consumer-group member from its current assignment towards its target, one safe step per
 * heartbeat (KIP-848's reconciliation):
 *
 * <ul>
 *   <li>Partitions to give up are revoked first: the member keeps its epoch and the partitions it
 *       may keep, and waits in UNREVOKED_PARTITIONS until it reports (in its heartbeat's owned
 *       partitions) that it no longer owns them.
 *   <li>Then it moves to the target epoch and receives the new partitions that are free. A
 *       partition still held by another member (which has not yet revoked it) is withheld: the
 *       member waits in UNRELEASED_PARTITIONS and gets it on a later heartbeat.
 * </ul>
 *
 * So a partition is never owned by two members at once. Pure and thread-safe.
 */
final class AssignmentReconciler {
  private AssignmentReconciler() {}

  /**
   * The member's next state.
   *
   * @param member the member now
   * @param targetEpoch the epoch of the target assignment
   * @param target the member's target assignment
   * @param ownerOf the member holding a partition (assigned or pending revocation), or null
   * @param reportedOwned the partitions the member reports owning, or null if it did not say
   * @return the member's next state; {@code member} itself when nothing can change
   */
  static ConsumerMemberRecord reconcile(
      ConsumerMemberRecord member,
      int targetEpoch,
      PartitionAssignment target,
      BiFunction<UUID, Integer, String> ownerOf,
      Map<UUID, Set<Integer>> reportedOwned) {
    return switch (member.state()) {
      case STABLE ->
          member.memberEpoch() == targetEpoch
              ? member
              : next(member, member.memberEpoch(), targetEpoch, target, ownerOf, reportedOwned);
      case UNREVOKED_PARTITIONS ->
          ownsAny(reportedOwned, member.pendingRevocation())
              ? member
              : next(member, member.memberEpoch() + 1, targetEpoch, target, ownerOf, reportedOwned);
      case UNRELEASED_PARTITIONS ->
          next(member, member.memberEpoch(), targetEpoch, target, ownerOf, reportedOwned);
    };
  }

  private static ConsumerMemberRecord next(
      ConsumerMemberRecord member,
      int epochIfRevoking,
      int targetEpoch,
      PartitionAssignment target,
      BiFunction<UUID, Integer, String> ownerOf,
      Map<UUID, Set<Integer>> reportedOwned) {
    Map<UUID, Set<Integer>> keep = new HashMap<>();
    Map<UUID, Set<Integer>> revoke = new HashMap<>();
    Map<UUID, Set<Integer>> gain = new HashMap<>();
    boolean unreleased = false;
    Set<UUID> topics = new TreeSet<>(target.partitions().keySet());
    topics.addAll(member.assigned().partitions().keySet());
    for (UUID topic : topics) {
      Set<Integer> wanted = target.of(topic);
      for (int p : member.assigned().of(topic)) {
        (wanted.contains(p) ? keep : revoke).computeIfAbsent(topic, t -> new TreeSet<>()).add(p);
      }
      for (int p : wanted) {
        if (member.assigned().contains(topic, p)) {
          continue;
        }
        String owner = ownerOf.apply(topic, p);
        if (owner == null || owner.equals(member.memberId())) {
          gain.computeIfAbsent(topic, t -> new TreeSet<>()).add(p);
        } else {
          unreleased = true;
        }
      }
    }
    if (!revoke.isEmpty() && ownsAny(reportedOwned, PartitionAssignment.of(revoke))) {
      return with(
          member,
          epochIfRevoking,
          MemberAssignmentState.UNREVOKED_PARTITIONS,
          PartitionAssignment.of(keep),
          PartitionAssignment.of(revoke));
    }
    gain.forEach((topic, ps) -> keep.computeIfAbsent(topic, t -> new TreeSet<>()).addAll(ps));
    return with(
        member,
        targetEpoch,
        unreleased ? MemberAssignmentState.UNRELEASED_PARTITIONS : MemberAssignmentState.STABLE,
        PartitionAssignment.of(keep),
        PartitionAssignment.EMPTY);
  }

  /**
   * Whether the member may still own some of {@code partitions}: it did not report what it owns, or
   * reported one of them.
   */
  private static boolean ownsAny(
      Map<UUID, Set<Integer>> reportedOwned, PartitionAssignment partitions) {
    if (reportedOwned == null) {
      return true;
    }
    for (Map.Entry<UUID, Set<Integer>> e : reportedOwned.entrySet()) {
      for (int p : e.getValue()) {
        if (partitions.contains(e.getKey(), p)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The member at {@code epoch}, its previous epoch being the one it had. */
  private static ConsumerMemberRecord with(
      ConsumerMemberRecord m,
      int epoch,
      MemberAssignmentState state,
      PartitionAssignment assigned,
      PartitionAssignment pendingRevocation) {
    return new ConsumerMemberRecord(
        m.memberId(),
        m.instanceId(),
        m.rackId(),
        m.clientId(),
        m.clientHost(),
        m.subscribedTopicNames(),
        m.subscribedTopicRegex(),
        m.serverAssignor(),
        m.rebalanceTimeoutMs(),
        epoch,
        m.memberEpoch(),
        state,
        assigned,
        pendingRevocation,
        m.target());
  }
}
