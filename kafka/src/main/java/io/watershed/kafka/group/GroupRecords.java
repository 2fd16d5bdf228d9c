package io.watershed.kafka.group;

import io.watershed.core.coordinator.CoordinatorRecord;
import io.watershed.core.group.Bytes;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ClassicMemberRecord;
import io.watershed.core.group.CommittedOffset;
import io.watershed.core.group.MemberAssignmentState;
import io.watershed.core.group.PartitionAssignment;
import io.watershed.core.group.PartitionKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The Kafka group coordinator's records on the coordinator runtime (namespace {@value #NAMESPACE}),
 * in the shard of their group id, as Kafka keeps a group in one partition of {@code
 * __consumer_offsets}. Each key names one piece of state whole, so compaction keeps exactly the
 * latest of each; a null value (tombstone) removes it.
 *
 * <table>
 *   <caption>Records</caption>
 *   <tr><th>type</th><th>key after the type byte</th><th>value after the version byte</th></tr>
 *   <tr><td>{@code 'O'} offset commit</td><td>group, topic name, partition (i32)</td>
 *       <td>topic id (16), offset (i64), leader epoch (i32), commit time ms (i64), metadata</td></tr>
 *   <tr><td>{@code 'C'} classic group</td><td>group</td>
 *       <td>protocol type, generation (i32), protocol name?, leader?, member count (i32), then each
 *       member: member id, instance id?, client id, client host, rebalance timeout ms (i32),
 *       session timeout ms (i32), subscription (bytes), assignment (bytes)</td></tr>
 *   <tr><td>{@code 'E'} consumer group</td><td>group</td>
 *       <td>group epoch (i32), assignment epoch (i32), subscribed topic count (i32), then each:
 *       name, topic id (16), partition count (i32)</td></tr>
 *   <tr><td>{@code 'M'} consumer member</td><td>group, member id</td>
 *       <td>instance id?, rack id?, client id, client host, subscribed topic names (count i32 +
 *       strings), regex?, server assignor?, rebalance timeout ms (i32)</td></tr>
 *   <tr><td>{@code 'T'} target assignment</td><td>group, member id</td><td>partitions</td></tr>
 *   <tr><td>{@code 'A'} current assignment</td><td>group, member id</td>
 *       <td>member epoch (i32), previous member epoch (i32), state (i8), assigned partitions with
 *       the epoch each was received at, partitions pending revocation likewise</td></tr>
 * </table>
 *
 * <p>Fields: a string is a length (i32, -1 for null: marked ? above) and UTF-8; in a key, group
 * ids, topic names and member ids are a length (u16) and UTF-8. Bytes are a length (i32) and the
 * bytes. Partitions are a topic count (i32), then per topic its id (16) and a count (i32) of
 * partition indexes (i32), each followed by its receipt epoch (i32) in a current assignment. Every
 * value starts with a version byte, {@value #VERSION}; a reader refuses versions it does not know.
 *
 * <p>The group epoch and the assignment epoch share one record because this coordinator computes
 * the target assignment in the same write that bumps the group epoch (Kafka writes them as two).
 * The subscribed topics ride with them (Kafka's partition metadata record): a change of them bumps
 * the epoch. A new consumer member is written as M, T, A; a removed one as tombstones A, T, M; a
 * deleted group as tombstones of every key it has, its E or C last. A classic group that replaces
 * an empty consumer group (or the reverse) writes the other kind's tombstones in the same batch.
 */
final class GroupRecords {
  static final String NAMESPACE = "kafka.groups";
  static final byte VERSION = 0;

  static final byte OFFSET = 'O';
  static final byte CLASSIC = 'C';
  static final byte CONSUMER = 'E';
  static final byte MEMBER = 'M';
  static final byte TARGET = 'T';
  static final byte CURRENT = 'A';

  private GroupRecords() {}

  // ---- keys -------------------------------------------------------------------------------------

  /** A key parsed: its type, group, and the rest (topic and partition, or member id). */
  record Key(byte type, String groupId, String name, int partition) {}

  private static byte[] key(byte type, String groupId, String name, boolean withPartition, int p) {
    byte[] g = groupId.getBytes(StandardCharsets.UTF_8);
    byte[] n = name == null ? null : name.getBytes(StandardCharsets.UTF_8);
    int size = 1 + 2 + g.length + (n == null ? 0 : 2 + n.length) + (withPartition ? 4 : 0);
    if (g.length > 0xffff || (n != null && n.length > 0xffff)) {
      throw new IllegalArgumentException("a group id, topic or member id is longer than 65535");
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.put(type).putShort((short) g.length).put(g);
    if (n != null) {
      b.putShort((short) n.length).put(n);
    }
    if (withPartition) {
      b.putInt(p);
    }
    return b.array();
  }

  static byte[] offsetKey(String groupId, PartitionKey partition) {
    return key(OFFSET, groupId, partition.topic(), true, partition.partition());
  }

  static byte[] classicKey(String groupId) {
    return key(CLASSIC, groupId, null, false, 0);
  }

  static byte[] consumerKey(String groupId) {
    return key(CONSUMER, groupId, null, false, 0);
  }

  static byte[] memberKey(byte type, String groupId, String memberId) {
    return key(type, groupId, memberId, false, 0);
  }

  static Key parseKey(byte[] key) {
    ByteBuffer b = ByteBuffer.wrap(key);
    byte type = b.get();
    String group = keyString(b);
    return switch (type) {
      case OFFSET -> {
        String topic = keyString(b);
        int partition = b.getInt();
        yield new Key(type, group, topic, partition);
      }
      case CLASSIC, CONSUMER -> new Key(type, group, null, -1);
      case MEMBER, TARGET, CURRENT -> new Key(type, group, keyString(b), -1);
      default -> throw new IllegalArgumentException("unknown group record type " + type);
    };
  }

  private static String keyString(ByteBuffer b) {
    int n = b.getShort() & 0xffff;
    byte[] bytes = new byte[n];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  // ---- records ----------------------------------------------------------------------------------

  static CoordinatorRecord offset(String groupId, PartitionKey partition, OffsetEntry entry) {
    Writer w = new Writer();
    w.uuid(entry.topicId());
    CommittedOffset c = entry.committed();
    w.i64(c.offset()).i32(c.leaderEpoch()).i64(c.commitTimestampMs()).string(c.metadata());
    return new CoordinatorRecord(offsetKey(groupId, partition), w.done());
  }

  static OffsetEntry readOffset(byte[] value) {
    Reader r = new Reader(value);
    UUID topicId = r.uuid();
    long offset = r.i64();
    int epoch = r.i32();
    long time = r.i64();
    String metadata = r.string();
    r.end();
    return new OffsetEntry(topicId, new CommittedOffset(offset, epoch, metadata, time));
  }

  static CoordinatorRecord classic(String groupId, ClassicGroupMembership g) {
    Writer w = new Writer();
    w.string(g.protocolType()).i32(g.generation()).string(g.protocolName()).string(g.leaderId());
    w.i32(g.members().size());
    for (ClassicMemberRecord m : g.members()) {
      w.string(m.memberId()).string(m.groupInstanceId()).string(m.clientId());
      w.string(m.clientHost()).i32(m.rebalanceTimeoutMs()).i32(m.sessionTimeoutMs());
      w.bytes(m.subscription().toArray()).bytes(m.assignment().toArray());
    }
    return new CoordinatorRecord(classicKey(groupId), w.done());
  }

  static ClassicGroupMembership readClassic(byte[] value) {
    Reader r = new Reader(value);
    String protocolType = r.string();
    int generation = r.i32();
    String protocolName = r.string();
    String leader = r.string();
    int n = r.count();
    List<ClassicMemberRecord> members = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      members.add(
          new ClassicMemberRecord(
              r.string(),
              r.string(),
              r.string(),
              r.string(),
              r.i32(),
              r.i32(),
              Bytes.of(r.bytes()),
              Bytes.of(r.bytes())));
    }
    r.end();
    return new ClassicGroupMembership(protocolType, generation, protocolName, leader, members);
  }

  /** A consumer group's epochs and the topics its members subscribe to. */
  record Epochs(int groupEpoch, int assignmentEpoch, Map<String, SubscribedTopic> topics) {}

  static CoordinatorRecord consumer(String groupId, Epochs e) {
    Writer w = new Writer();
    w.i32(e.groupEpoch()).i32(e.assignmentEpoch()).i32(e.topics().size());
    new TreeMap<>(e.topics())
        .forEach((name, t) -> w.string(name).uuid(t.topicId()).i32(t.partitions()));
    return new CoordinatorRecord(consumerKey(groupId), w.done());
  }

  static Epochs readConsumer(byte[] value) {
    Reader r = new Reader(value);
    int groupEpoch = r.i32();
    int assignmentEpoch = r.i32();
    int n = r.count();
    Map<String, SubscribedTopic> topics = new HashMap<>();
    for (int i = 0; i < n; i++) {
      topics.put(r.string(), new SubscribedTopic(r.uuid(), r.i32()));
    }
    r.end();
    return new Epochs(groupEpoch, assignmentEpoch, Map.copyOf(topics));
  }

  /** What a consumer member asked for: its {@code 'M'} record. */
  record MemberMetadata(
      String memberId,
      String instanceId,
      String rackId,
      String clientId,
      String clientHost,
      List<String> subscribedTopicNames,
      String subscribedTopicRegex,
      String serverAssignor,
      int rebalanceTimeoutMs) {}

  static CoordinatorRecord member(String groupId, MemberMetadata m) {
    Writer w = new Writer();
    w.string(m.instanceId()).string(m.rackId()).string(m.clientId()).string(m.clientHost());
    w.i32(m.subscribedTopicNames().size());
    m.subscribedTopicNames().forEach(w::string);
    w.string(m.subscribedTopicRegex()).string(m.serverAssignor()).i32(m.rebalanceTimeoutMs());
    return new CoordinatorRecord(memberKey(MEMBER, groupId, m.memberId()), w.done());
  }

  static MemberMetadata readMember(String memberId, byte[] value) {
    Reader r = new Reader(value);
    String instanceId = r.string();
    String rackId = r.string();
    String clientId = r.string();
    String clientHost = r.string();
    int n = r.count();
    List<String> topics = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      topics.add(r.string());
    }
    MemberMetadata m =
        new MemberMetadata(
            memberId,
            instanceId,
            rackId,
            clientId,
            clientHost,
            List.copyOf(topics),
            r.string(),
            r.string(),
            r.i32());
    r.end();
    return m;
  }

  static CoordinatorRecord target(String groupId, String memberId, PartitionAssignment target) {
    Writer w = new Writer();
    w.partitions(target, null);
    return new CoordinatorRecord(memberKey(TARGET, groupId, memberId), w.done());
  }

  static PartitionAssignment readTarget(byte[] value) {
    Reader r = new Reader(value);
    PartitionAssignment a = r.partitions(null);
    r.end();
    return a;
  }

  /**
   * Where a consumer member stands: its {@code 'A'} record.
   *
   * @param receivedAt the epoch at which the member received each partition it holds (assigned or
   *     pending revocation)
   */
  record CurrentAssignment(
      int memberEpoch,
      int previousMemberEpoch,
      MemberAssignmentState state,
      PartitionAssignment assigned,
      PartitionAssignment pendingRevocation,
      Map<IdPartition, Integer> receivedAt) {

    /** A member that has not been assigned anything yet. */
    static final CurrentAssignment NONE =
        new CurrentAssignment(
            0,
            0,
            MemberAssignmentState.STABLE,
            PartitionAssignment.EMPTY,
            PartitionAssignment.EMPTY,
            Map.of());
  }

  static CoordinatorRecord current(String groupId, String memberId, CurrentAssignment c) {
    Writer w = new Writer();
    w.i32(c.memberEpoch()).i32(c.previousMemberEpoch()).i8((byte) c.state().ordinal());
    w.partitions(c.assigned(), c.receivedAt()).partitions(c.pendingRevocation(), c.receivedAt());
    return new CoordinatorRecord(memberKey(CURRENT, groupId, memberId), w.done());
  }

  static CurrentAssignment readCurrent(byte[] value) {
    Reader r = new Reader(value);
    int epoch = r.i32();
    int previous = r.i32();
    int state = r.i8();
    MemberAssignmentState[] states = MemberAssignmentState.values();
    if (state < 0 || state >= states.length) {
      throw new IllegalArgumentException("unknown member state " + state);
    }
    Map<IdPartition, Integer> receivedAt = new HashMap<>();
    PartitionAssignment assigned = r.partitions(receivedAt);
    PartitionAssignment pending = r.partitions(receivedAt);
    r.end();
    return new CurrentAssignment(
        epoch, previous, states[state], assigned, pending, Map.copyOf(receivedAt));
  }

  // ---- field codec ------------------------------------------------------------------------------

  private static final class Writer {
    private byte[] buf = new byte[64];
    private int at;

    Writer() {
      i8(VERSION);
    }

    private void room(int n) {
      if (at + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, at + n));
      }
    }

    Writer i8(byte v) {
      room(1);
      buf[at++] = v;
      return this;
    }

    Writer i32(int v) {
      room(4);
      for (int s = 24; s >= 0; s -= 8) {
        buf[at++] = (byte) (v >>> s);
      }
      return this;
    }

    Writer i64(long v) {
      room(8);
      for (int s = 56; s >= 0; s -= 8) {
        buf[at++] = (byte) (v >>> s);
      }
      return this;
    }

    Writer uuid(UUID id) {
      return i64(id.getMostSignificantBits()).i64(id.getLeastSignificantBits());
    }

    Writer bytes(byte[] b) {
      i32(b.length);
      room(b.length);
      System.arraycopy(b, 0, buf, at, b.length);
      at += b.length;
      return this;
    }

    Writer string(String s) {
      if (s == null) {
        return i32(-1);
      }
      return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    Writer partitions(PartitionAssignment a, Map<IdPartition, Integer> epochs) {
      i32(a.partitions().size());
      a.partitions()
          .forEach(
              (topic, indexes) -> {
                uuid(topic).i32(indexes.size());
                for (int p : indexes) {
                  i32(p);
                  if (epochs != null) {
                    i32(epochs.getOrDefault(new IdPartition(topic, p), 0));
                  }
                }
              });
      return this;
    }

    byte[] done() {
      return Arrays.copyOf(buf, at);
    }
  }

  private static final class Reader {
    private final ByteBuffer b;

    Reader(byte[] value) {
      this.b = ByteBuffer.wrap(value);
      int version = b.get();
      if (version != VERSION) {
        throw new IllegalArgumentException("unknown group record version " + version);
      }
    }

    int i8() {
      return b.get();
    }

    int i32() {
      return b.getInt();
    }

    long i64() {
      return b.getLong();
    }

    /** A count, checked against what the value can still hold. */
    int count() {
      int n = b.getInt();
      if (n < 0 || n > b.remaining()) {
        throw new IllegalArgumentException("a count of " + n + " does not fit the record");
      }
      return n;
    }

    UUID uuid() {
      return new UUID(b.getLong(), b.getLong());
    }

    byte[] bytes() {
      byte[] out = new byte[count()];
      b.get(out);
      return out;
    }

    String string() {
      int n = b.getInt();
      if (n == -1) {
        return null;
      }
      if (n < 0 || n > b.remaining()) {
        throw new IllegalArgumentException("a string of " + n + " bytes does not fit the record");
      }
      String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
      b.position(b.position() + n);
      return s;
    }

    PartitionAssignment partitions(Map<IdPartition, Integer> epochs) {
      int topics = count();
      TreeMap<UUID, SortedSet<Integer>> out = new TreeMap<>();
      for (int t = 0; t < topics; t++) {
        UUID topic = uuid();
        int n = count();
        TreeSet<Integer> indexes = new TreeSet<>();
        for (int i = 0; i < n; i++) {
          int p = i32();
          indexes.add(p);
          if (epochs != null) {
            epochs.put(new IdPartition(topic, p), i32());
          }
        }
        out.put(topic, indexes);
      }
      return new PartitionAssignment(out);
    }

    void end() {
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(b.remaining() + " bytes left over in a group record");
      }
    }
  }
}
