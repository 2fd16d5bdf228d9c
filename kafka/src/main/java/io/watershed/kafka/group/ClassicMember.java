package io.watershed.kafka.group;

import io.watershed.core.group.Bytes;
import io.watershed.core.group.ClassicMemberRecord;
import io.watershed.core.schedule.SerialScheduler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a classic group as the coordinator tracks it: who it is, what it supports, what it
 * was assigned, and the JoinGroup or SyncGroup answer it is waiting for.
 *
 * <p>Mutable; confined to its shard's owner like the group that holds it. The ids never change: a
 * static member rejoining under a new member id becomes a new object.
 */
final class ClassicMember {
  final String memberId;
  final String groupInstanceId;
  final String protocolType;
  String clientId;
  String clientHost;
  int rebalanceTimeoutMs;
  int sessionTimeoutMs;
  List<ClassicProtocol> protocols;
  Bytes assignment = Bytes.EMPTY;

  /** The parked JoinGroup of the member, or null when it is not waiting for one. */
  CompletableFuture<JoinGroupResponseData> joinFuture;

  /** The parked SyncGroup of the member, or null when it is not waiting for one. */
  CompletableFuture<SyncGroupResponseData> syncFuture;

  /** Joined during the current rebalance and not yet through it: expires even while waiting. */
  boolean isNew;

  /** Removes the member when it stays silent; null when no timer runs. */
  SerialScheduler.Timer sessionTimer;

  ClassicMember(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      int rebalanceTimeoutMs,
      int sessionTimeoutMs,
      String protocolType,
      List<ClassicProtocol> protocols) {
    this.memberId = memberId;
    this.groupInstanceId = groupInstanceId;
    this.clientId = clientId;
    this.clientHost = clientHost;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.protocolType = protocolType;
    this.protocols = List.copyOf(protocols);
  }

  /** A member as recorded after a rebalance, supporting only the protocol then selected. */
  static ClassicMember fromRecord(
      ClassicMemberRecord record, String protocolType, String protocolName) {
    ClassicMember m =
        new ClassicMember(
            record.memberId(),
            record.groupInstanceId(),
            record.clientId(),
            record.clientHost(),
            record.rebalanceTimeoutMs(),
            record.sessionTimeoutMs(),
            protocolType,
            List.of(new ClassicProtocol(protocolName, record.subscription())));
    m.assignment = record.assignment();
    return m;
  }

  /** The member as recorded durably, with its metadata for {@code protocolName}. */
  ClassicMemberRecord toRecord(String protocolName) {
    return new ClassicMemberRecord(
        memberId,
        groupInstanceId,
        clientId,
        clientHost,
        rebalanceTimeoutMs,
        sessionTimeoutMs,
        metadata(protocolName),
        assignment);
  }

  boolean isStatic() {
    return groupInstanceId != null;
  }

  boolean isAwaitingJoin() {
    return joinFuture != null;
  }

  boolean isAwaitingSync() {
    return syncFuture != null;
  }

  /**
   * Whether an expiring session timer should spare the member: one waiting for a rebalance to
   * answer it cannot heartbeat, unless it is new (a new member's parked join times out instead).
   */
  boolean hasSatisfiedHeartbeat() {
    return !isNew && (isAwaitingJoin() || isAwaitingSync());
  }

  /** The member's metadata for {@code protocolName}; empty if it does not support it. */
  Bytes metadata(String protocolName) {
    for (ClassicProtocol p : protocols) {
      if (p.name().equals(protocolName)) {
        return p.metadata();
      }
    }
    return Bytes.EMPTY;
  }

  /** The member's most preferred protocol among {@code candidates}. */
  String vote(Set<String> candidates) {
    return vote(memberId, protocols, candidates);
  }

  /** The most preferred of {@code protocols} among {@code candidates}. */
  static String vote(String memberId, List<ClassicProtocol> protocols, Set<String> candidates) {
    for (ClassicProtocol p : protocols) {
      if (candidates.contains(p.name())) {
        return p.name();
      }
    }
    throw new IllegalStateException("member " + memberId + " supports none of " + candidates);
  }

  /** Whether {@code other} is exactly the member's protocol list: names, metadata and order. */
  boolean matches(List<ClassicProtocol> other) {
    return protocols.equals(other);
  }

  /** Completes the parked JoinGroup, if any, with {@code response}. */
  boolean completeJoin(JoinGroupResponseData response) {
    if (joinFuture == null) {
      return false;
    }
    CompletableFuture<JoinGroupResponseData> f = joinFuture;
    joinFuture = null;
    f.complete(response);
    return true;
  }

  /** Completes the parked SyncGroup, if any, with {@code response}. */
  boolean completeSync(SyncGroupResponseData response) {
    if (syncFuture == null) {
      return false;
    }
    CompletableFuture<SyncGroupResponseData> f = syncFuture;
    syncFuture = null;
    f.complete(response);
    return true;
  }

  void cancelSessionTimer() {
    if (sessionTimer != null) {
      sessionTimer.cancel();
      sessionTimer = null;
    }
  }
}
