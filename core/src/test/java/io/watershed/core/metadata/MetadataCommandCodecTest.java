package io.watershed.core.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
          new CreatePartitions("orders", 6));

  @Test
  void theExamplesCoverEveryCommandType() {
    assertThat(EXAMPLES.stream().map(Object::getClass).toList())
        .containsExactlyInAnyOrder(MetadataCommand.class.getPermittedSubclasses());
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
            "create-topic", "delete-topic", "alter-topic-configs", "create-partitions");
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
