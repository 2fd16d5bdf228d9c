package io.watershed.core.metadata;

import static io.watershed.core.metadata.Commands.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store recovers from a command log that a crash or a disk has damaged. */
class CommandLogRecoveryTest {

  private static final List<CreateTopic> FIVE_TOPICS =
      IntStream.range(0, 5).mapToObj(i -> create("topic-" + i, 1)).toList();

  @TempDir Path dataDir;

  private MetadataStore open() throws IOException {
    return MetadataStore.open(dataDir, TopicConfigValidator.acceptAll(), (i, c, r, m) -> {});
  }

  private static List<String> topicNames(MetadataStore store) {
    return List.copyOf(store.image().topics().byName().keySet());
  }

  @Test
  void anUndamagedLogReplaysCompletely() throws IOException {
    CrashedLogs.write(dataDir, 2, FIVE_TOPICS);

    try (MetadataStore store = open()) {
      assertThat(topicNames(store))
          .containsExactly("topic-0", "topic-1", "topic-2", "topic-3", "topic-4");
      assertThat(store.image().lastAppliedIndex()).isEqualTo(5);
    }
  }

  @Test
  void aTornTailIsTruncatedLoggedAndTheIntactPrefixSurvives() throws Exception {
    Path file = CrashedLogs.write(dataDir, 100, FIVE_TOPICS).get(0);
    long fifthEntry = CrashedLogs.entryOffset(FIVE_TOPICS, 4);
    long tornLength = Files.size(file) - 7;
    CrashedLogs.truncate(file, tornLength);

    try (LogCapture log = LogCapture.of(MetadataLog.class);
        MetadataStore store = open()) {
      assertThat(topicNames(store)).containsExactly("topic-0", "topic-1", "topic-2", "topic-3");
      assertThat(log.warnings())
          .singleElement()
          .asString()
          .contains(file.toString())
          .contains("torn entry")
          .contains("dropped " + (tornLength - fifthEntry) + " bytes");
      assertThat(Files.size(file)).isEqualTo(fifthEntry);

      // The log continues where the intact prefix ends.
      assertThat(store.submit(create("after-crash", 1)).get().isSuccess()).isTrue();
      assertThat(store.image().lastAppliedIndex()).isEqualTo(5);
    }
    try (MetadataStore store = open()) {
      assertThat(topicNames(store)).contains("topic-3", "after-crash").doesNotContain("topic-4");
    }
  }

  @Test
  void aTornEntryHeaderIsTruncated() throws IOException {
    Path file = CrashedLogs.write(dataDir, 100, FIVE_TOPICS).get(0);
    long fifthEntry = CrashedLogs.entryOffset(FIVE_TOPICS, 4);
    CrashedLogs.truncate(file, fifthEntry + 5);

    try (LogCapture log = LogCapture.of(MetadataLog.class);
        MetadataStore store = open()) {
      assertThat(topicNames(store)).hasSize(4);
      assertThat(log.warnings()).singleElement().asString().contains("dropped 5 bytes");
    }
  }

  @Test
  void aFlippedByteWithIntactEntriesAfterItIsRefusedAndNothingIsTruncated() throws IOException {
    // Entries after the damaged one were written, synced and acknowledged later: not a torn tail.
    Path file = CrashedLogs.write(dataDir, 100, FIVE_TOPICS).get(0);
    long thirdEntry = CrashedLogs.entryOffset(FIVE_TOPICS, 2);
    long size = Files.size(file);
    CrashedLogs.flipByte(file, thirdEntry + MetadataLog.ENTRY_HEADER_SIZE + 10);

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("byte " + thirdEntry)
        .hasMessageContaining("CRC32C mismatch")
        .hasMessageContaining("refusing to drop acknowledged commands");
    assertThat(Files.size(file)).isEqualTo(size);
  }

  @Test
  void aFlippedLengthWithIntactEntriesAfterItIsRefusedToo() throws IOException {
    Path file = CrashedLogs.write(dataDir, 100, FIVE_TOPICS).get(0);
    long fourthEntry = CrashedLogs.entryOffset(FIVE_TOPICS, 3);
    long size = Files.size(file);
    CrashedLogs.flipByte(file, fourthEntry);

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("impossible payload length")
        .hasMessageContaining("refusing to drop acknowledged commands");
    assertThat(Files.size(file)).isEqualTo(size);
  }

  @Test
  void aFlippedByteInTheLastEntryIsATornTailAndIsCut() throws IOException {
    Path file = CrashedLogs.write(dataDir, 100, FIVE_TOPICS).get(0);
    long lastEntry = CrashedLogs.entryOffset(FIVE_TOPICS, 4);
    CrashedLogs.flipByte(file, lastEntry + MetadataLog.ENTRY_HEADER_SIZE + 3);

    try (LogCapture log = LogCapture.of(MetadataLog.class);
        MetadataStore store = open()) {
      assertThat(topicNames(store)).hasSize(4);
      assertThat(log.warnings()).singleElement().asString().contains("CRC32C mismatch");
      assertThat(Files.size(file)).isEqualTo(lastEntry);
    }
  }

  @Test
  void aGapInIndexesIsRefusedAndNothingIsTruncated() throws IOException {
    // Entries 1, 2 and 4, each with a valid CRC: no crash produces this.
    Path file = CrashedLogs.write(dataDir, 100, FIVE_TOPICS.subList(0, 2)).get(0);
    try (var channel = Files.newByteChannel(file, StandardOpenOption.APPEND)) {
      ByteBuffer entry =
          MetadataLog.encode(4, List.of(MetadataCommandCodec.encode(create("topic-3", 1))));
      channel.write(entry);
    }
    long size = Files.size(file);

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("has index 4 but 3 was expected")
        .hasMessageContaining("contiguous");
    assertThat(Files.size(file)).isEqualTo(size);
  }

  @Test
  void aMissingFileBetweenOthersIsRefused() throws IOException {
    List<Path> files = CrashedLogs.write(dataDir, 2, FIVE_TOPICS);
    Files.delete(files.get(1));

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining(files.get(2).toString())
        .hasMessageContaining("contiguous");
  }

  @Test
  void damageInASealedFileIsRefusedBecauseNewerCommandsFollowIt() throws IOException {
    List<Path> files = CrashedLogs.write(dataDir, 2, FIVE_TOPICS);
    CrashedLogs.flipByte(files.get(0), CrashedLogs.entryOffset(FIVE_TOPICS, 1) + 20);
    long size = Files.size(files.get(0));

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining(files.get(0).toString())
        .hasMessageContaining("refusing to drop acknowledged commands");
    assertThat(Files.size(files.get(0))).isEqualTo(size);
  }

  @Test
  void aFileThatIsNotACommandLogIsRefused() throws IOException {
    Path file = CrashedLogs.write(dataDir, 100, FIVE_TOPICS).get(0);
    CrashedLogs.flipByte(file, 0);

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("bad magic");
  }

  @Test
  void anEntryWithAValidCrcThatIsNotACommandIsRefused() throws IOException {
    Path file = CrashedLogs.write(dataDir, 100, FIVE_TOPICS.subList(0, 1)).get(0);
    try (var channel = Files.newByteChannel(file, StandardOpenOption.APPEND)) {
      channel.write(
          MetadataLog.encode(
              2, List.of("{\"type\":\"from-the-future\"}".getBytes(StandardCharsets.UTF_8))));
    }

    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("entry 2")
        .hasMessageContaining("from-the-future");
  }

  /**
   * Writes an entry by following the layout table in {@link MetadataLog}'s documentation, not its
   * code, so that the documentation and the format cannot drift apart.
   */
  @Test
  void theDocumentedEntryLayoutIsWhatTheLogReads() throws IOException {
    Path file = CrashedLogs.write(dataDir, 100, List.of()).get(0);
    byte[] payload = MetadataCommandCodec.encode(create("by-hand", 2));
    ByteBuffer entry = ByteBuffer.allocate(16 + payload.length);
    entry.putInt(0, payload.length);
    entry.putLong(8, 1);
    entry.put(16, payload);
    CRC32C crc = new CRC32C();
    crc.update(entry.array(), 8, 8 + payload.length);
    entry.putInt(4, (int) crc.getValue());
    try (var channel = Files.newByteChannel(file, StandardOpenOption.APPEND)) {
      channel.write(entry);
    }
    ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(file), 0, 16);
    assertThat(header.getInt(0)).isEqualTo(0x57534D4C);
    assertThat(header.getInt(4)).isEqualTo(1);
    assertThat(header.getLong(8)).isEqualTo(1);

    try (MetadataStore store = open()) {
      assertThat(store.image().topics().topic("by-hand").orElseThrow().partitionCount())
          .isEqualTo(2);
    }
  }
}
