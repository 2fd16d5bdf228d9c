package io.watershed.core.metadata;

import static io.watershed.core.metadata.Commands.create;
import static io.watershed.core.metadata.Commands.grow;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the store recovers when snapshot files are damaged. */
class SnapshotRecoveryTest {

  @TempDir Path dataDir;

  private MetadataStore open(int snapshotInterval) throws IOException {
    return MetadataStore.open(
        dataDir,
        MetadataStoreOptions.defaults().withSnapshotInterval(snapshotInterval),
        TopicConfigValidator.acceptAll(),
        (i, c, r, m) -> {});
  }

  private Path metadataDir() {
    return dataDir.resolve(MetadataStore.DIRECTORY);
  }

  private List<Path> snapshotFiles() throws IOException {
    try (Stream<Path> paths = Files.list(metadataDir())) {
      return paths.filter(p -> p.toString().endsWith(".snapshot")).sorted().toList();
    }
  }

  /** Twelve commands with snapshots every five: snapshots 10 and 12 remain, the log from 11. */
  private MetadataImage runTwelveCommandsAndClose() throws Exception {
    try (MetadataStore store = open(5)) {
      for (int i = 0; i < 10; i++) {
        store.submit(create("topic-" + i, 1, Map.of("n", "" + i))).get();
      }
      store.submit(grow("topic-0", 3)).get();
      store.submit(grow("topic-1", 4)).get();
      return store.image();
    }
  }

  @Test
  void aDamagedNewestSnapshotFallsBackToTheOlderOneAndTheLogAfterIt() throws Exception {
    MetadataImage before = runTwelveCommandsAndClose();
    List<Path> snapshots = snapshotFiles();
    assertThat(snapshots)
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "snapshot-00000000000000000010.snapshot", "snapshot-00000000000000000012.snapshot");
    Path newest = snapshots.get(1);
    CrashedLogs.flipByte(newest, Files.size(newest) - 3);

    try (LogCapture log = LogCapture.of(MetadataSnapshots.class);
        MetadataStore store = open(5)) {
      assertThat(store.image()).isEqualTo(before);
      assertThat(log.warnings())
          .singleElement()
          .asString()
          .contains(newest.toString())
          .contains("CRC32C mismatch");
    }
    assertThat(Files.exists(newest.resolveSibling(newest.getFileName() + ".corrupt"))).isTrue();
  }

  @Test
  void aTruncatedSnapshotIsDamagedToo() throws Exception {
    MetadataImage before = runTwelveCommandsAndClose();
    Path newest = snapshotFiles().get(1);
    CrashedLogs.truncate(newest, 10);

    try (MetadataStore store = open(5)) {
      assertThat(store.image()).isEqualTo(before);
    }
  }

  @Test
  void whenNoSnapshotAndLogReachBackFarEnoughTheStoreRefusesToOpen() throws Exception {
    runTwelveCommandsAndClose();
    for (Path snapshot : snapshotFiles()) {
      CrashedLogs.flipByte(snapshot, 30);
    }

    assertThatThrownBy(() -> open(5))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("command log starts at index 11")
        .hasMessageContaining("commands 1 to 10 are missing");
  }

  @Test
  void whenTheOnlySnapshotIsDamagedTheWholeLogRebuildsTheState() throws Exception {
    MetadataImage before;
    try (MetadataStore store = open(100)) {
      store.submit(create("orders", 2)).get();
      store.submit(grow("orders", 3)).get();
      before = store.image();
    }
    CrashedLogs.flipByte(snapshotFiles().get(0), 4);

    try (MetadataStore store = open(100)) {
      assertThat(store.image()).isEqualTo(before);
    }
  }

  /**
   * Reads a snapshot by following the layout table in {@link MetadataSnapshot}'s documentation, so
   * that the documentation and the format cannot drift apart.
   */
  @Test
  void theDocumentedLayoutIsWhatIsWritten() throws Exception {
    try (MetadataStore store = open(100)) {
      store.submit(create("orders", 2, Map.of("retention.ms", "1000"))).get();
    }
    byte[] file = Files.readAllBytes(snapshotFiles().get(0));
    ByteBuffer header = ByteBuffer.wrap(file);
    CRC32C crc = new CRC32C();
    crc.update(file, 8, file.length - 8);

    assertThat(header.getInt(0)).isEqualTo(0x57534D53);
    assertThat(header.getInt(4)).isEqualTo((int) crc.getValue());
    assertThat(header.getInt(8)).isEqualTo(2);
    assertThat(header.getLong(12)).isEqualTo(1);
    assertThat(header.getInt(20)).isEqualTo(file.length - 24);
    assertThat(new String(Arrays.copyOfRange(file, 24, file.length), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"topics\":[{\"name\":\"orders\",\"topicId\":\""
                + Commands.idOf("orders")
                + "\",\"partitionCount\":2,\"configs\":{\"retention.ms\":\"1000\"},"
                + "\"createdAtIndex\":1}],\"groups\":[]}");
  }

  /** Data directories written before groups existed hold version-1 snapshots: still readable. */
  @Test
  void aVersionOneSnapshotWithoutGroupsStillLoads() throws Exception {
    Files.createDirectories(metadataDir());
    byte[] body =
        ("{\"topics\":[{\"name\":\"orders\",\"topicId\":\""
                + Commands.idOf("orders")
                + "\",\"partitionCount\":2,\"configs\":{},\"createdAtIndex\":1}]}")
            .getBytes(StandardCharsets.UTF_8);
    ByteBuffer file = ByteBuffer.allocate(24 + body.length);
    file.putInt(0, 0x57534D53);
    file.putInt(8, 1);
    file.putLong(12, 1);
    file.putInt(20, body.length);
    file.put(24, body);
    CRC32C crc = new CRC32C();
    crc.update(file.array(), 8, file.capacity() - 8);
    file.putInt(4, (int) crc.getValue());
    Files.write(metadataDir().resolve("snapshot-00000000000000000001.snapshot"), file.array());

    try (MetadataStore store = open(100)) {
      assertThat(store.image().topics().topic("orders")).isPresent();
      assertThat(store.image().groups().size()).isZero();
      assertThat(store.image().lastAppliedIndex()).isEqualTo(1);
    }
  }
}
