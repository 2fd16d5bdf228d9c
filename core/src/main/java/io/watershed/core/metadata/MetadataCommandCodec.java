package io.watershed.core.metadata;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serialises commands to and from UTF-8 JSON, the payload of command-log entries (and of Raft log
 * entries later).
 *
 * <p>Format: a JSON object whose {@code "type"} property names the command and whose other
 * properties are the record's components by name, for example:
 *
 * <pre>{@code
 * {"type":"create-topic","name":"orders","partitionCount":3,
 *  "configs":{"retention.ms":"86400000"},"topicId":"5f0c…"}
 * }</pre>
 *
 * The type names below and the record component names are an on-disk format: renaming either makes
 * existing logs unreadable. Map keys are written in sorted order and opaque bytes as base64 ({@link
 * MetadataJson}). The records themselves carry no Jackson annotations; the format is defined here,
 * through a mix-in.
 *
 * <p>Thread-safe.
 */
final class MetadataCommandCodec {

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = CreateTopic.class, name = "create-topic"),
    @JsonSubTypes.Type(value = DeleteTopic.class, name = "delete-topic"),
    @JsonSubTypes.Type(value = AlterTopicConfigs.class, name = "alter-topic-configs"),
    @JsonSubTypes.Type(value = CreatePartitions.class, name = "create-partitions"),
    @JsonSubTypes.Type(value = CommitOffsets.class, name = "commit-offsets"),
    @JsonSubTypes.Type(value = DeleteOffsets.class, name = "delete-offsets"),
    @JsonSubTypes.Type(value = DeleteGroup.class, name = "delete-group"),
    @JsonSubTypes.Type(value = PutClassicGroup.class, name = "put-classic-group"),
    @JsonSubTypes.Type(value = UpdateConsumerGroup.class, name = "update-consumer-group"),
  })
  private interface TypeNames {}

  private static final ObjectMapper MAPPER =
      MetadataJson.builder().addMixIn(MetadataCommand.class, TypeNames.class).build();

  private static final ObjectWriter WRITER = MAPPER.writerFor(MetadataCommand.class);
  private static final ObjectReader READER = MAPPER.readerFor(MetadataCommand.class);

  private MetadataCommandCodec() {}

  /** Returns {@code command} as UTF-8 JSON. */
  static byte[] encode(MetadataCommand command) {
    try {
      return WRITER.writeValueAsBytes(command);
    } catch (JsonProcessingException e) {
      // Commands are records of strings, numbers and collections of strings: always serialisable.
      throw new UncheckedIOException("cannot serialise " + command, e);
    }
  }

  /**
   * Parses a command written by {@link #encode}.
   *
   * @throws IOException if {@code json} is not a known command, for example one written by a newer
   *     version
   */
  static MetadataCommand decode(byte[] json) throws IOException {
    return READER.readValue(json);
  }
}
