package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests no well-behaved client sends, over a raw socket: each gets an error answer with the
 * request's correlation id, and the connection stays usable afterwards.
 */
class BadRequestTest {
  @TempDir Path dir;

  @Test
  void anUnknownApiKeyIsAnsweredUnsupportedVersionAndTheConnectionStaysOpen() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection conn = new RawKafkaConnection(server.door().port())) {
      conn.writeFrame(header((short) 999, (short) 0, 41));
      ByteBuffer answer = conn.readFrame();
      assertThat(answer.getInt()).isEqualTo(41);
      assertThat(answer.getShort()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
      assertStillServing(conn);
    }
  }

  @Test
  void aVersionBeyondWhatTheBrokerServesIsAnsweredUnsupportedVersion() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection conn = new RawKafkaConnection(server.door().port())) {
      short tooNew = (short) (ApiKeys.DESCRIBE_CONFIGS.latestVersion(true) + 1);
      conn.writeFrame(header(ApiKeys.DESCRIBE_CONFIGS.id, tooNew, 42));
      ByteBuffer answer = conn.readFrame();
      assertThat(answer.getInt()).isEqualTo(42);
      assertThat(Errors.forCode(answer.getShort())).isEqualTo(Errors.UNSUPPORTED_VERSION);
      assertStillServing(conn);
    }
  }

  @Test
  void aMalformedBodyGetsTheRequestsOwnErrorResponse() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection conn = new RawKafkaConnection(server.door().port())) {
      short version = 1;
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(flexibleHeader(ApiKeys.DESCRIBE_CLUSTER.id, version, 43));
      // DescribeCluster v1 is a boolean, a byte and tagged fields: one byte is too short.
      frame.write(new byte[] {0x7f});
      conn.writeFrame(frame.toByteArray());
      RequestHeader sent = new RequestHeader(ApiKeys.DESCRIBE_CLUSTER, version, "raw", 43);
      DescribeClusterResponse response =
          (DescribeClusterResponse) AbstractResponse.parseResponse(conn.readFrame(), sent);
      assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.INVALID_REQUEST);
      assertStillServing(conn);
    }
  }

  @Test
  void anOversizedRequestClosesItsOwnConnectionOnlyAsKafkaDoes() throws Exception {
    int limit = 64 * 1024;
    KafkaConfig config =
        KafkaConfig.defaults("127.0.0.1", 0, "127.0.0.1").withMaxRequestBytes(limit);
    try (KafkaTestServer server = new KafkaTestServer(dir, config);
        RawKafkaConnection bystander = new RawKafkaConnection(server.door().port());
        RawKafkaConnection oversized = new RawKafkaConnection(server.door().port())) {
      assertStillServing(bystander);
      // Kafka reads the size first and closes the connection when it exceeds
      // socket.request.max.bytes, without reading (or buffering) the body.
      try {
        oversized.writeFrame(new byte[limit + 1]);
      } catch (SocketException closedWhileWriting) {
        // The broker may close before the body is all written; that is the point.
      }
      assertThat(oversized.readToEnd()).as("bytes answered before the close").isZero();
      assertStillServing(bystander);
      try (RawKafkaConnection next = new RawKafkaConnection(server.door().port())) {
        assertStillServing(next);
      }
    }
  }

  @Test
  void aNegativeFrameLengthClosesItsOwnConnectionOnly() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection bystander = new RawKafkaConnection(server.door().port());
        RawKafkaConnection broken = new RawKafkaConnection(server.door().port())) {
      broken.writeRaw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2, 3});
      assertThat(broken.readToEnd()).isZero();
      assertStillServing(bystander);
    }
  }

  @Test
  void aFrameTooShortForAHeaderLeavesTheBrokerServing() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection bystander = new RawKafkaConnection(server.door().port());
        RawKafkaConnection broken = new RawKafkaConnection(server.door().port())) {
      broken.writeFrame(new byte[] {0, 3});
      ByteBuffer answer = broken.readFrame();
      answer.getInt(); // no correlation id could be read
      assertThat(Errors.forCode(answer.getShort())).isNotEqualTo(Errors.NONE);
      assertStillServing(broken);
      assertStillServing(bystander);
    }
  }

  private static void assertStillServing(RawKafkaConnection conn) throws IOException {
    ApiVersionsResponse versions =
        conn.send(
            new ApiVersionsRequest(
                new ApiVersionsRequestData()
                    .setClientSoftwareName("raw")
                    .setClientSoftwareVersion("1"),
                (short) 3),
            ApiVersionsResponse.class);
    assertThat(versions.data().errorCode()).isEqualTo(Errors.NONE.code());
    assertThat(versions.data().apiKeys().find(ApiKeys.CREATE_TOPICS.id)).isNotNull();
  }

  /** A v1 request header (non-flexible) with a null client id and no body. */
  private static byte[] header(short apiKey, short version, int correlationId) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeShort(apiKey);
    out.writeShort(version);
    out.writeInt(correlationId);
    out.writeShort(-1);
    return bytes.toByteArray();
  }

  /** A v2 request header (flexible): the v1 header plus an empty tagged-field section. */
  private static byte[] flexibleHeader(short apiKey, short version, int correlationId)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(header(apiKey, version, correlationId));
    bytes.write(0);
    return bytes.toByteArray();
  }
}
