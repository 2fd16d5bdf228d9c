package io.watershed.core.metadata;

/**
 * Why a command was rejected. Front doors map each to their protocol's own error code (Kafka's
 * {@code TOPIC_ALREADY_EXISTS}, Kinesis's {@code ResourceInUseException} …).
 *
 * <p>The names are part of the contract with front doors and tests; the state machine itself never
 * stores them, so adding a constant does not change any on-disk format.
 */
public enum MetadataError {
  /** A topic with the command's name exists already. */
  TOPIC_ALREADY_EXISTS,
  /** No topic has the command's name. */
  UNKNOWN_TOPIC,
  /** The topic name breaks {@link TopicRules#checkName(String)}. */
  INVALID_TOPIC_NAME,
  /** The topic id is the nil UUID or belongs to another topic. */
  INVALID_TOPIC_ID,
  /** A partition count is out of range, or would not grow the topic. */
  INVALID_PARTITIONS,
  /**
   * A configuration key or value was refused by the {@link TopicConfigValidator}, or is malformed.
   */
  INVALID_CONFIG,
  /** The serialised command exceeds {@link MetadataStore#MAX_COMMAND_BYTES} bytes. */
  COMMAND_TOO_LARGE,
  /**
   * The topic belongs to Watershed itself (such as the event store's {@code $all} log): clients may
   * read it but not delete, grow, reconfigure or write it.
   */
  INTERNAL_TOPIC
}
