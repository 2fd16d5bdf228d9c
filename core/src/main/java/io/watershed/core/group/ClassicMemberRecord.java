package io.watershed.core.group;

import java.util.Objects;

/**
 * One member of a classic group as of its last completed rebalance.
 *
 * @param memberId the id the coordinator gave the member
 * @param groupInstanceId the static member's instance id, or null for a dynamic member
 * @param clientId the client id the member connected with
 * @param clientHost the address the member connected from
 * @param rebalanceTimeoutMs how long the coordinator waits for the member to rejoin
 * @param sessionTimeoutMs how long the member may stay silent before it is removed
 * @param subscription the member's metadata for the group's selected protocol (for consumers, its
 *     subscription)
 * @param assignment what the leader assigned to the member
 */
public record ClassicMemberRecord(
    String memberId,
    String groupInstanceId,
    String clientId,
    String clientHost,
    int rebalanceTimeoutMs,
    int sessionTimeoutMs,
    Bytes subscription,
    Bytes assignment) {

  /** Rejects null ids, addresses and byte strings, and timeouts below 1 ms. */
  public ClassicMemberRecord {
    Objects.requireNonNull(memberId, "memberId");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(clientHost, "clientHost");
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(assignment, "assignment");
    if (rebalanceTimeoutMs < 1 || sessionTimeoutMs < 1) {
      throw new IllegalArgumentException(
          "timeouts must be positive: rebalance "
              + rebalanceTimeoutMs
              + " ms, session "
              + sessionTimeoutMs
              + " ms");
    }
  }
}
