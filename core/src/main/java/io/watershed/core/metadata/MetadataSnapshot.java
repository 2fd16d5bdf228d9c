package io.watershed.core.metadata;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.watershed.core.group.ClassicGroupMembership;
import io.watershed.core.group.ConsumerGroupMembership;
import io.watershed.core.group.ConsumerMemberRecord;
import io.watershed.core.group.GroupImage;
import io.watershed.core.group.GroupMembership;
import io.watershed.core.group.GroupOffsets;
import io.watershed.core.group.GroupsImage;
import io.watershed.core.group.PartitionOffset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The snapshot file format: one {@link MetadataImage}, checked by a CRC before it is trusted.
 *
 * <p>Layout, big-endian:
 *
 * <pre>
 * offset  width  meaning
 *      0      4  magic 0x57534D53 ("WSMS")
 *      4      4  CRC32C of bytes 8 to the end of the file
 *      8      4  format version, 2 (version 1, written before groups existed, is read too)
 *     12      8  last applied index of the image; equals the index in the file name
 *     20      4  body length N; the file is 24+N bytes long
 *     24      N  body: UTF-8 JSON {"topics":[...],"groups":[...]}
 * </pre>
 *
 * <p>In the body, {@code topics} holds one object per topic with the components of TopicMetadata,
 * sorted by name. {@code groups} (absent in version 1) holds one object per group, sorted by id:
 * {@code groupId}; {@code classic}, a ClassicGroupMembership, or {@code consumer}, {@code
 * {groupEpoch, assignmentEpoch, members:[ConsumerMemberRecord...]}} with members sorted by id, or
 * both null; and {@code offsets}, a list of PartitionOffset sorted by topic and partition. Opaque
 * bytes are base64 strings ({@link MetadataJson}).
 *
 * <p>The body is JSON so that an operator can read a snapshot with {@code tail -c +25 FILE}. A
 * future image part (cursors) becomes another property of the body and bumps the version.
 *
 * <p>Thread-safe.
 */
final class MetadataSnapshot {

  static final int MAGIC = 0x57534D53;
  static final int FORMAT_VERSION = 2;

  /** The version before groups were part of the image; its body has only {@code topics}. */
  static final int TOPICS_ONLY_VERSION = 1;

  static final int MAGIC_OFFSET = 0;
  static final int CRC_OFFSET = 4;
  static final int VERSION_OFFSET = 8;
  static final int INDEX_OFFSET = 12;
  static final int LENGTH_OFFSET = 20;
  static final int HEADER_SIZE = 24;

  /** The JSON body. Its component names are part of the format. */
  private record Body(List<TopicMetadata> topics, List<GroupEntry> groups) {}

  /** One group in the body; at most one of {@code classic} and {@code consumer} is set. */
  private record GroupEntry(
      String groupId,
      ClassicGroupMembership classic,
      ConsumerGroupEntry consumer,
      List<PartitionOffset> offsets) {}

  /** A consumer group's membership, with its members as a list sorted by member id. */
  private record ConsumerGroupEntry(
      int groupEpoch, int assignmentEpoch, List<ConsumerMemberRecord> members) {}

  private static final ObjectMapper MAPPER = MetadataJson.builder().build();

  private MetadataSnapshot() {}

  /** Returns the whole snapshot file for {@code image}. */
  static ByteBuffer encode(MetadataImage image) {
    byte[] body;
    try {
      body =
          MAPPER.writeValueAsBytes(
              new Body(
                  List.copyOf(image.topics().byName().values()),
                  image.groups().all().stream().map(MetadataSnapshot::toEntry).toList()));
    } catch (IOException e) {
      // The image holds only strings, numbers and UUIDs: always serialisable.
      throw new UncheckedIOException("cannot serialise the metadata image", e);
    }
    ByteBuffer file = ByteBuffer.allocate(HEADER_SIZE + body.length);
    file.putInt(MAGIC_OFFSET, MAGIC);
    file.putInt(VERSION_OFFSET, FORMAT_VERSION);
    file.putLong(INDEX_OFFSET, image.lastAppliedIndex());
    file.putInt(LENGTH_OFFSET, body.length);
    file.put(HEADER_SIZE, body);
    file.putInt(CRC_OFFSET, crc(file.array()));
    return file;
  }

  /**
   * Parses and checks a snapshot file's bytes.
   *
   * @param source names the file in error messages
   * @throws CorruptMetadataException if any check fails
   */
  static MetadataImage decode(byte[] file, String source) throws CorruptMetadataException {
    if (file.length < HEADER_SIZE) {
      throw new CorruptMetadataException(
          source + ": " + file.length + " bytes, shorter than a snapshot header");
    }
    ByteBuffer header = ByteBuffer.wrap(file);
    if (header.getInt(MAGIC_OFFSET) != MAGIC) {
      throw new CorruptMetadataException(source + ": bad magic, not a metadata snapshot");
    }
    if (header.getInt(CRC_OFFSET) != crc(file)) {
      throw new CorruptMetadataException(source + ": CRC32C mismatch");
    }
    int version = header.getInt(VERSION_OFFSET);
    if (version != FORMAT_VERSION && version != TOPICS_ONLY_VERSION) {
      throw new CorruptMetadataException(
          source + ": format version " + version + " is not supported");
    }
    long index = header.getLong(INDEX_OFFSET);
    int length = header.getInt(LENGTH_OFFSET);
    if (length != file.length - HEADER_SIZE) {
      throw new CorruptMetadataException(
          source + ": body length " + length + " disagrees with the file size " + file.length);
    }
    try {
      Body body = MAPPER.readValue(file, HEADER_SIZE, length, Body.class);
      List<GroupEntry> groups = body.groups() == null ? List.of() : body.groups();
      return new MetadataImage(
          index,
          TopicsImage.of(body.topics()),
          GroupsImage.of(groups.stream().map(MetadataSnapshot::fromEntry).toList()));
    } catch (IOException | RuntimeException e) {
      throw new CorruptMetadataException(source + ": unreadable body: " + e.getMessage(), e);
    }
  }

  private static GroupEntry toEntry(GroupImage group) {
    ClassicGroupMembership classic = null;
    ConsumerGroupEntry consumer = null;
    switch (group.membership().orElse(null)) {
      case null -> {}
      case ClassicGroupMembership c -> classic = c;
      case ConsumerGroupMembership c ->
          consumer =
              new ConsumerGroupEntry(c.groupEpoch(), c.assignmentEpoch(), c.members().values());
    }
    return new GroupEntry(group.groupId(), classic, consumer, group.offsets().all());
  }

  private static GroupImage fromEntry(GroupEntry entry) {
    if (entry.classic() != null && entry.consumer() != null) {
      throw new IllegalArgumentException(
          "group " + entry.groupId() + " is both a classic and a consumer group");
    }
    GroupMembership membership = entry.classic();
    if (entry.consumer() != null) {
      membership =
          ConsumerGroupMembership.EMPTY.updated(
              entry.consumer().groupEpoch(),
              entry.consumer().assignmentEpoch(),
              entry.consumer().members(),
              List.of());
    }
    GroupOffsets offsets = GroupOffsets.EMPTY;
    for (PartitionOffset offset : entry.offsets()) {
      offsets = offsets.with(offset);
    }
    return new GroupImage(entry.groupId(), membership, offsets);
  }

  private static int crc(byte[] file) {
    CRC32C crc = new CRC32C();
    crc.update(file, VERSION_OFFSET, file.length - VERSION_OFFSET);
    return (int) crc.getValue();
  }
}
