package io.watershed.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.core.group.CommittedOffset;
import io.watershed.core.group.PartitionKey;
import io.watershed.core.group.PartitionOffset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MetadataCommandCodecTest {

  private static final UUID ID = UUID.fromString("5f0c6f6e-2d3a-4b7e-9c1d-1a2b3c4d5e6f");

  /** One example of every command type. */
  private static final List<MetadataCommand> EXAMPLES =
      List.of(
          new CreateTopic("orders", 3, Map.of("retention.ms", "1000", "a", "b"), ID),
          new DeleteTopic("orders"),
          new AlterTopicConfigs("orders", Map.of("a", "c"), Set.of("retention.ms")),
          new CreatePartitions("orders", 6),
          new CommitOffsets(
              "billing",
              List.of(
                  new PartitionOffset("orders", 2, new CommittedOffset(42, 0, "", 1_700_000)),
                  new PartitionOffset("orders", 0, new CommittedOffset(7, -1, "m", 1_700_001)))),
          new DeleteOffsets("billing", List.of(new PartitionKey("orders", 2))),
          new DeleteGroup("billing"),
          new PutClassicGroup("billing", GroupExamples.classic()),
          new UpdateConsumerGroup(
              "shipping", 3, 2, List.of(GroupExamples.consumerMember("m1", ID)), List.of("m0")));

  @Test
  void theExamplesCoverEveryCommandType() {
    assertThat(EXAMPLES.stream().map(Object::getClass).toList())
        .containsExactlyInAnyOrderElementsOf(concreteCommandTypes(MetadataCommand.class));
  }

  /** The records a sealed hierarchy permits, through sealed sub-interfaces such as GroupCommand. */
  private static List<Class<?>> concreteCommandTypes(Class<?> type) {
    if (!type.isSealed()) {
      return List.of(type);
    }
    return Arrays.stream(type.getPermittedSubclasses())
        .flatMap(sub -> concreteCommandTypes(sub).stream())
        .toList();
  }

  @Test
  void everyCommandSurvivesARoundTrip() throws IOException {
    for (MetadataCommand command : EXAMPLES) {
      assertThat(MetadataCommandCodec.decode(MetadataCommandCodec.encode(command)))
          .isEqualTo(command);
    }
  }

  @Test
  void everyCommandTypeHasItsOwnTypeName() {
    List<String> typeNames =
        EXAMPLES.stream()
            .map(
                command -> new String(MetadataCommandCodec.encode(command), StandardCharsets.UTF_8))
            .map(json -> json.replaceAll("^\\{\"type\":\"([a-z-]+)\".*$", "$1"))
            .toList();

    assertThat(typeNames)
        .containsExactly(
            "create-topic",
            "delete-topic",
            "alter-topic-configs",
            "create-partitions",
            "commit-offsets",
            "delete-offsets",
            "delete-group",
            "put-classic-group",
            "update-consumer-group");
  }

  /** The payload is an on-disk format: these bytes must stay readable by every later version. */
  @Test
  void readsTheDocumentedFormat() throws IOException {
    String json =
        """
        {"type":"create-topic","name":"orders","partitionCount":3,\
        "configs":{"a":"b","retention.ms":"1000"},"topicId":"5f0c6f6e-2d3a-4b7e-9c1d-1a2b3c4d5e6f"}""";

    assertThat(MetadataCommandCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(EXAMPLES.get(0));
    assertThat(new String(MetadataCommandCodec.encode(EXAMPLES.get(0)), StandardCharsets.UTF_8))
        .isEqualTo(json);
  }

  /** Group commands are an on-disk format too; opaque bytes are base64. */
  @Test
  void readsTheDocumentedGroupFormat() throws IOException {
    String json =
        """
        {"type":"commit-offsets","groupId":"billing","offsets":[{"topic":"orders","partition":2,\
        "committed":{"offset":42,"leaderEpoch":0,"metadata":"","commitTimestampMs":1700000}}]}""";

    assertThat(decode(json))
        .isEqualTo(
            new CommitOffsets(
                "billing",
                List.of(
                    new PartitionOffset("orders", 2, new CommittedOffset(42, 0, "", 1_700_000)))));
    assertThat(
            new String(
                MetadataCommandCodec.encode(new PutClassicGroup("g", GroupExamples.classic())),
                StandardCharsets.UTF_8))
        .contains("\"subscription\":\"AAEC\"");
  }

  @Test
  void refusesUnknownTypesAndMissingFields() {
    assertThatThrownBy(() -> decode("{\"type\":\"commit-offset\",\"name\":\"x\"}"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("commit-offset");
    assertThatThrownBy(() -> decode("{\"type\":\"delete-topic\"}")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> decode("{\"type\":\"create-partitions\",\"name\":\"x\",\"z\":1}"))
        .isInstanceOf(IOException.class);
  }

  private static MetadataCommand decode(String json) throws IOException {
    return MetadataCommandCodec.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void encodesCollectionsInSortedOrderWhateverTheirInputOrder() {
    Map<String, String> backwards = new LinkedHashMap<>();
    backwards.put("z", "1");
    backwards.put("a", "2");
    String json =
        new String(
            MetadataCommandCodec.encode(new CreateTopic("t", 1, backwards, ID)),
            StandardCharsets.UTF_8);

    assertThat(json).contains("{\"a\":\"2\",\"z\":\"1\"}");
  }
}
