package io.watershed.kafka.group;

import io.watershed.core.group.Bytes;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ClassicMemberRecord;
import io.watershed.core.schedule.SerialScheduler;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.SchemaException;

/**
 * A classic group (members elect a leader that assigns partitions): its state, generation, selected
 * protocol, leader and members, and the bookkeeping of a rebalance in progress. It knows the rules
 * of membership; {@link ClassicGroupCoordinator} drives the rebalances.
 *
 * <p>Invariants: {@code leaderId} is a member, or null when there are none; {@code staticMembers}
 * maps exactly the members' instance ids to their member ids; pending join members are not members;
 * pending sync members are members.
 *
 * <p>Mutable; confined to its shard's owner.
 */
final class ClassicGroup implements CoordinatedGroup {
  private final String groupId;
  private ClassicGroupState state = ClassicGroupState.EMPTY;
  private ClassicGroupState previousState = ClassicGroupState.EMPTY;
  private int generation;
  private String protocolType;
  private String protocolName;
  private String leaderId;
  private final LinkedHashMap<String, ClassicMember> members = new LinkedHashMap<>();
  private final Map<String, String> staticMembers = new HashMap<>();

  /** Member ids handed out with MEMBER_ID_REQUIRED, with the timer that forgets each. */
  private final Map<String, SerialScheduler.Timer> pendingJoinMembers = new HashMap<>();

  private final Set<String> pendingSyncMembers = new HashSet<>();

  /** A member joined during the initial delay, which therefore waits once more. */
  boolean newMemberAdded;

  /** Completes the join phase when the rebalance times out; null when none runs. */
  SerialScheduler.Timer joinTimer;

  /** Removes members that did not send SyncGroup in time; null when none runs. */
  SerialScheduler.Timer syncTimer;

  ClassicGroup(String groupId) {
    this.groupId = groupId;
  }

  /** A group as recorded: stable with its members, or empty. */
  static ClassicGroup fromRecord(String groupId, ClassicGroupMembership record) {
    ClassicGroup group = new ClassicGroup(groupId);
    group.generation = record.generation();
    group.protocolType = record.protocolType().isEmpty() ? null : record.protocolType();
    group.protocolName = record.protocolName();
    for (ClassicMemberRecord m : record.members()) {
      group.add(ClassicMember.fromRecord(m, record.protocolType(), record.protocolName()), null);
    }
    group.leaderId = record.members().isEmpty() ? null : record.leaderId();
    group.state = record.members().isEmpty() ? ClassicGroupState.EMPTY : ClassicGroupState.STABLE;
    return group;
  }

  /** The group as recorded durably, with each member's assignment from {@code assignments}. */
  ClassicGroupMembership toRecord(Map<String, byte[]> assignments) {
    List<ClassicMemberRecord> records = new ArrayList<>();
    for (ClassicMember m : members.values()) {
      ClassicMemberRecord r = m.toRecord(protocolName);
      byte[] a = assignments.get(m.memberId);
      records.add(
          a == null
              ? r
              : new ClassicMemberRecord(
                  r.memberId(),
                  r.groupInstanceId(),
                  r.clientId(),
                  r.clientHost(),
                  r.rebalanceTimeoutMs(),
                  r.sessionTimeoutMs(),
                  r.subscription(),
                  Bytes.of(a)));
    }
    return new ClassicGroupMembership(
        protocolType == null ? "" : protocolType,
        generation,
        members.isEmpty() ? null : protocolName,
        members.isEmpty() ? null : leaderId,
        records);
  }

  @Override
  public String groupId() {
    return groupId;
  }

  @Override
  public boolean hasMembers() {
    return !members.isEmpty();
  }

  @Override
  public String stateName() {
    return state.kafkaName();
  }

  ClassicGroupState state() {
    return state;
  }

  ClassicGroupState previousState() {
    return previousState;
  }

  boolean isIn(ClassicGroupState s) {
    return state == s;
  }

  int generation() {
    return generation;
  }

  /** The members' protocol type, or null before the first member joined. */
  String protocolType() {
    return protocolType;
  }

  /** The protocol selected for this generation, or null when there are no members. */
  String protocolName() {
    return protocolName;
  }

  String leaderId() {
    return leaderId;
  }

  boolean isLeader(String memberId) {
    return memberId.equals(leaderId);
  }

  boolean has(String memberId) {
    return members.containsKey(memberId);
  }

  ClassicMember member(String memberId) {
    return members.get(memberId);
  }

  Collection<ClassicMember> members() {
    return members.values();
  }

  int size() {
    return members.size();
  }

  /** Adds {@code member}, parking its JoinGroup in {@code joinFuture} (null if none). */
  void add(ClassicMember member, CompletableFuture<JoinGroupResponseData> joinFuture) {
    if (member.groupInstanceId != null) {
      if (staticMembers.containsKey(member.groupInstanceId)) {
        throw new IllegalStateException("instance " + member.groupInstanceId + " is a member");
      }
      staticMembers.put(member.groupInstanceId, member.memberId);
    }
    if (members.isEmpty()) {
      protocolType = member.protocolType;
    }
    if (leaderId == null) {
      leaderId = member.memberId;
    }
    members.put(member.memberId, member);
    member.joinFuture = joinFuture;
    forgetPending(member.memberId);
  }

  /**
   * Removes a member or a pending member; a removed leader is replaced by the oldest remaining
   * member. The caller answers the member's parked requests first.
   */
  ClassicMember remove(String memberId) {
    ClassicMember removed = members.remove(memberId);
    if (removed != null) {
      removed.cancelSessionTimer();
      if (removed.groupInstanceId != null) {
        staticMembers.remove(removed.groupInstanceId);
      }
    }
    if (isLeader(memberId)) {
      leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
    }
    forgetPending(memberId);
    pendingSyncMembers.remove(memberId);
    return removed;
  }

  boolean isPendingMember(String memberId) {
    return pendingJoinMembers.containsKey(memberId);
  }

  /** Whether some member ids handed out with MEMBER_ID_REQUIRED have not joined yet. */
  boolean hasPendingMembers() {
    return !pendingJoinMembers.isEmpty();
  }

  /**
   * Records a member id handed out with MEMBER_ID_REQUIRED, not yet joined, with the timer that
   * forgets it if the member never comes back.
   */
  void addPendingMember(String memberId, SerialScheduler.Timer expiry) {
    pendingJoinMembers.put(memberId, expiry);
  }

  private void forgetPending(String memberId) {
    SerialScheduler.Timer expiry = pendingJoinMembers.remove(memberId);
    if (expiry != null) {
      expiry.cancel();
    }
  }

  void addPendingSync(String memberId) {
    pendingSyncMembers.add(memberId);
  }

  void removePendingSync(String memberId) {
    pendingSyncMembers.remove(memberId);
  }

  boolean hasReceivedSyncFromAllMembers() {
    return pendingSyncMembers.isEmpty();
  }

  Set<String> pendingSyncMembers() {
    return Set.copyOf(pendingSyncMembers);
  }

  void clearPendingSync() {
    pendingSyncMembers.clear();
  }

  /** The member id of static member {@code groupInstanceId}, or null. */
  String staticMemberId(String groupInstanceId) {
    return staticMembers.get(groupInstanceId);
  }

  /**
   * Throws FENCED_INSTANCE_ID when {@code groupInstanceId} belongs to another member id, and
   * UNKNOWN_MEMBER_ID when the member is unknown.
   */
  void validateMember(String memberId, String groupInstanceId) {
    if (groupInstanceId != null) {
      String existing = staticMembers.get(groupInstanceId);
      if (existing == null) {
        throw Errors.UNKNOWN_MEMBER_ID.exception();
      }
      if (!existing.equals(memberId)) {
        throw Errors.FENCED_INSTANCE_ID.exception();
      }
    }
    if (!members.containsKey(memberId)) {
      throw Errors.UNKNOWN_MEMBER_ID.exception();
    }
  }

  /** Whether every member waits in JoinGroup and no handed-out member id is still to join. */
  boolean hasAllMembersJoined() {
    return pendingJoinMembers.isEmpty()
        && members.values().stream().allMatch(ClassicMember::isAwaitingJoin);
  }

  List<ClassicMember> notYetRejoined() {
    return members.values().stream().filter(m -> !m.isAwaitingJoin()).toList();
  }

  /**
   * Keeps the leader if it rejoined, else elects the first member that did.
   *
   * @return false when no member rejoined (or there are none), so no generation can start
   */
  boolean maybeElectNewJoinedLeader() {
    if (leaderId == null) {
      return false;
    }
    if (members.get(leaderId).isAwaitingJoin()) {
      return true;
    }
    for (ClassicMember m : members.values()) {
      if (m.isAwaitingJoin()) {
        leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  /**
   * Gives static member {@code groupInstanceId} the new member id {@code newMemberId}, keeping its
   * assignment. The old member's parked requests are answered FENCED_INSTANCE_ID.
   */
  ClassicMember replaceStaticMember(
      String groupInstanceId, String oldMemberId, String newMemberId) {
    ClassicMember old = members.remove(oldMemberId);
    if (old == null) {
      throw new IllegalStateException("no member " + oldMemberId + " to replace");
    }
    old.cancelSessionTimer();
    old.completeJoin(
        new JoinGroupResponseData()
            .setMemberId(oldMemberId)
            .setProtocolName(null)
            .setProtocolType(null)
            .setLeader("")
            .setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
    old.completeSync(
        new SyncGroupResponseData()
            .setAssignment(new byte[0])
            .setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
    ClassicMember replacement =
        new ClassicMember(
            newMemberId,
            old.groupInstanceId,
            old.clientId,
            old.clientHost,
            old.rebalanceTimeoutMs,
            old.sessionTimeoutMs,
            old.protocolType,
            old.protocols);
    replacement.assignment = old.assignment;
    members.put(newMemberId, replacement);
    if (isLeader(oldMemberId)) {
      leaderId = newMemberId;
    }
    staticMembers.put(groupInstanceId, newMemberId);
    pendingSyncMembers.remove(oldMemberId);
    return replacement;
  }

  /**
   * The group as it will be recorded once static member {@code oldMemberId} has become {@code
   * newMemberId} with {@code protocols} and the given timeouts, keeping its assignment; the group
   * itself does not change.
   */
  ClassicGroupMembership recordReplacingStatic(
      String oldMemberId,
      String newMemberId,
      List<ClassicProtocol> protocols,
      int rebalanceTimeoutMs,
      int sessionTimeoutMs) {
    ClassicMember old = members.get(oldMemberId);
    List<ClassicMemberRecord> records = new ArrayList<>();
    for (ClassicMember m : members.values()) {
      if (m != old) {
        records.add(m.toRecord(protocolName));
      }
    }
    Bytes metadata = Bytes.EMPTY;
    for (ClassicProtocol p : protocols) {
      if (p.name().equals(protocolName)) {
        metadata = p.metadata();
        break;
      }
    }
    records.add(
        new ClassicMemberRecord(
            newMemberId,
            old.groupInstanceId,
            old.clientId,
            old.clientHost,
            rebalanceTimeoutMs,
            sessionTimeoutMs,
            metadata,
            old.assignment));
    return new ClassicGroupMembership(
        protocolType == null ? "" : protocolType,
        generation,
        protocolName,
        isLeader(oldMemberId) ? newMemberId : leaderId,
        records);
  }

  /** Cancels every timer of the group and its members: it is no longer served. */
  void cancelTimers() {
    for (ClassicMember m : members.values()) {
      m.cancelSessionTimer();
    }
    pendingJoinMembers.values().forEach(SerialScheduler.Timer::cancel);
    pendingJoinMembers.clear();
    if (joinTimer != null) {
      joinTimer.cancel();
      joinTimer = null;
    }
    if (syncTimer != null) {
      syncTimer.cancel();
      syncTimer = null;
    }
  }

  /** Updates a rejoining member and parks its JoinGroup in {@code joinFuture} (null: none). */
  void updateMember(
      ClassicMember member,
      List<ClassicProtocol> protocols,
      int rebalanceTimeoutMs,
      int sessionTimeoutMs,
      CompletableFuture<JoinGroupResponseData> joinFuture) {
    member.protocols = List.copyOf(protocols);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    member.joinFuture = joinFuture;
  }

  /** The longest rebalance timeout of the members: how long a rebalance may take. */
  int rebalanceTimeoutMs() {
    int max = 0;
    for (ClassicMember m : members.values()) {
      max = Math.max(max, m.rebalanceTimeoutMs);
    }
    return max;
  }

  /**
   * Whether a member of {@code memberProtocolType} supporting {@code memberProtocols} may join: an
   * empty group takes any non-empty type and protocols; otherwise the type must match and one of
   * the protocols must be supported by every member.
   */
  boolean supportsProtocols(String memberProtocolType, List<ClassicProtocol> memberProtocols) {
    if (state == ClassicGroupState.EMPTY) {
      return !memberProtocolType.isEmpty() && !memberProtocols.isEmpty();
    }
    if (!memberProtocolType.equals(protocolType)) {
      return false;
    }
    Set<String> common = candidateProtocols();
    return memberProtocols.stream().anyMatch(p -> common.contains(p.name()));
  }

  /** The protocols every member supports. */
  private Set<String> candidateProtocols() {
    return candidateProtocols(null, null);
  }

  /** The protocols every member supports, member {@code memberId} with {@code protocols}. */
  private Set<String> candidateProtocols(String memberId, List<ClassicProtocol> protocols) {
    Set<String> common = null;
    for (ClassicMember m : members.values()) {
      Set<String> names = new HashSet<>();
      (m.memberId.equals(memberId) ? protocols : m.protocols).forEach(p -> names.add(p.name()));
      if (common == null) {
        common = names;
      } else {
        common.retainAll(names);
      }
    }
    return common == null ? Set.of() : common;
  }

  /**
   * The protocol for the next generation: each member votes for its most preferred protocol that
   * every member supports; most votes wins (ties go to the first protocol voted for).
   */
  String selectProtocol() {
    return selectProtocol(null, null);
  }

  /** {@link #selectProtocol()} as if member {@code memberId} supported {@code protocols}. */
  String selectProtocol(String memberId, List<ClassicProtocol> protocols) {
    Set<String> candidates = candidateProtocols(memberId, protocols);
    Map<String, Integer> votes = new LinkedHashMap<>();
    for (ClassicMember m : members.values()) {
      String vote =
          m.memberId.equals(memberId)
              ? ClassicMember.vote(memberId, protocols, candidates)
              : m.vote(candidates);
      votes.merge(vote, 1, Integer::sum);
    }
    String best = null;
    for (Map.Entry<String, Integer> e : votes.entrySet()) {
      if (best == null || e.getValue() > votes.get(best)) {
        best = e.getKey();
      }
    }
    return best;
  }

  /**
   * Starts the next generation: with members, selects the protocol and waits for SyncGroup;
   * without, becomes empty.
   */
  void initNextGeneration() {
    generation++;
    if (!members.isEmpty()) {
      protocolName = selectProtocol();
      transitionTo(ClassicGroupState.COMPLETING_REBALANCE);
    } else {
      protocolName = null;
      transitionTo(ClassicGroupState.EMPTY);
    }
    pendingSyncMembers.clear();
  }

  /** Whether a rebalance may start from the current state. */
  boolean canRebalance() {
    return ClassicGroupState.PREPARING_REBALANCE.validPrevious().contains(state);
  }

  void transitionTo(ClassicGroupState next) {
    if (!next.validPrevious().contains(state)) {
      throw new IllegalStateException(
          "group " + groupId + " cannot move from " + state + " to " + next);
    }
    previousState = state;
    state = next;
  }

  /** The members with their metadata for the selected protocol, as the leader is told them. */
  List<JoinGroupResponseMember> membersForLeader() {
    List<JoinGroupResponseMember> out = new ArrayList<>();
    for (ClassicMember m : members.values()) {
      out.add(
          new JoinGroupResponseMember()
              .setMemberId(m.memberId)
              .setGroupInstanceId(m.groupInstanceId)
              .setMetadata(m.metadata(protocolName).toArray()));
    }
    return out;
  }

  /**
   * The topics the members subscribe to, when they are consumers whose subscriptions parse; empty
   * when unknown.
   */
  Optional<Set<String>> subscribedTopics() {
    if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType) || protocolName == null) {
      return Optional.empty();
    }
    Set<String> topics = new HashSet<>();
    try {
      for (ClassicMember m : members.values()) {
        ByteBuffer buffer = ByteBuffer.wrap(m.metadata(protocolName).toArray());
        // Version 0 is the prefix of every version, so any client's subscription parses.
        ConsumerProtocol.deserializeVersion(buffer);
        topics.addAll(
            ConsumerProtocol.deserializeConsumerProtocolSubscription(buffer, (short) 0).topics());
      }
    } catch (SchemaException | java.nio.BufferUnderflowException e) {
      return Optional.empty();
    }
    return Optional.of(topics);
  }

  /**
   * Whether offsets of {@code topic} are in use: the members subscribe to it, or they are consumers
   * whose subscriptions cannot be read.
   */
  boolean isSubscribedTo(String topic) {
    return subscribedTopics()
        .map(t -> t.contains(topic))
        .orElse(ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType) && !members.isEmpty());
  }
}
