package io.watershed.kinesis;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;

/**
 * The two body encodings of the Kinesis API, and where they differ: blobs are CBOR byte strings but
 * base64 strings in JSON; timestamps are epoch milliseconds in CBOR (the SDK writes tag 1 and a
 * millisecond integer, and reads plain integers as milliseconds) but epoch seconds with a fraction
 * in JSON. A response is encoded the way its request was.
 */
public enum BodyEncoding {
  JSON("application/x-amz-json-1.1", new ObjectMapper()),
  CBOR("application/x-amz-cbor-1.1", new ObjectMapper(new CBORFactory()));

  private final String contentType;
  private final ObjectMapper mapper;

  BodyEncoding(String contentType, ObjectMapper mapper) {
    this.contentType = contentType;
    this.mapper =
        mapper
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    this.mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(200).build());
  }

  /** The encoding a {@code Content-Type} names; JSON unless it names CBOR. */
  public static BodyEncoding forContentType(String contentType) {
    return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).contains("cbor")
        ? CBOR
        : JSON;
  }

  public String contentType() {
    return contentType;
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  /**
   * Parses a request body; an empty body is an empty object.
   *
   * @throws KinesisException SerializationException when the body is not one object
   */
  public JsonNode parse(InputStream in, int length) {
    if (length == 0) {
      return mapper.createObjectNode();
    }
    JsonNode node;
    try {
      node = mapper.readTree(in);
    } catch (IOException | RuntimeException e) {
      // Kinesis says no more than the type: SerializationException without a message.
      throw KinesisException.serialization(null);
    }
    if (node == null || !node.isObject()) {
      throw KinesisException.serialization(null);
    }
    return node;
  }

  /** Encodes a response or error body. */
  public byte[] write(JsonNode node) {
    try {
      return mapper.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a response: " + e, e);
    }
  }

  /**
   * Reads a blob member.
   *
   * @throws KinesisException SerializationException when it is neither bytes nor base64 as Kinesis
   *     takes it ({@link RequestShapes#base64})
   */
  public byte[] blob(JsonNode node, String field) {
    if (node.isBinary()) {
      try {
        return node.binaryValue();
      } catch (IOException e) {
        throw KinesisException.serialization("Invalid blob in " + field);
      }
    }
    if (node.isTextual()) {
      return RequestShapes.base64(node.textValue());
    }
    throw KinesisException.serialization("Expected a blob for " + field);
  }

  /**
   * Reads a timestamp member as epoch milliseconds.
   *
   * @throws KinesisException SerializationException when it is not a number
   */
  public long timestampMillis(JsonNode node, String field) {
    if (!node.isNumber()) {
      throw KinesisException.serialization("Expected a timestamp for " + field);
    }
    if (this == CBOR && node.isIntegralNumber()) {
      return node.longValue();
    }
    return node.decimalValue().movePointRight(3).longValue();
  }

  /** A timestamp for a response: milliseconds in CBOR, seconds with a fraction in JSON. */
  public JsonNode timestamp(long epochMillis) {
    return this == CBOR
        ? LongNode.valueOf(epochMillis)
        : DecimalNode.valueOf(BigDecimal.valueOf(epochMillis, 3));
  }

  /** Writes a timestamp as {@link #timestamp} encodes it, straight to a generator. */
  public void writeTimestamp(JsonGenerator g, long epochMillis) throws IOException {
    if (this == CBOR) {
      g.writeNumber(epochMillis);
    } else {
      g.writeNumber(BigDecimal.valueOf(epochMillis, 3));
    }
  }
}
