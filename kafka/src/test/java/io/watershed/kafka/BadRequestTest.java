package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests no well-behaved client sends, over a raw socket. As Kafka's broker does, a request that
 * cannot be served at all (an unknown API key, a version not advertised, a body that does not
 * parse) closes its own connection, after the answers to the requests before it, and nothing else:
 * other connections go on, the log gets one line without a stack trace, and the request counts as
 * failed in the request metrics.
 */
class BadRequestTest {
  @TempDir Path dir;

  @Test
  void anUnknownApiKeyClosesTheConnection() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection bystander = new RawKafkaConnection(server.door().port());
        RawKafkaConnection conn = new RawKafkaConnection(server.door().port())) {
      conn.writeFrame(header((short) 999, (short) 0, 41));
      assertThat(conn.readToEnd()).as("bytes answered before the close").isZero();
      assertStillServing(bystander);
    }
  }

  @Test
  void aVersionBeyondWhatTheCodecKnowsClosesTheConnection() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection conn = new RawKafkaConnection(server.door().port())) {
      short tooNew = (short) (ApiKeys.DESCRIBE_CONFIGS.latestVersion(true) + 1);
      conn.writeFrame(header(ApiKeys.DESCRIBE_CONFIGS.id, tooNew, 42));
      assertThat(conn.readToEnd()).isZero();
    }
  }

  @Test
  void anApiThisBrokerDoesNotAdvertiseClosesTheConnection() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection conn = new RawKafkaConnection(server.door().port())) {
      ApiVersionsResponse versions = apiVersions(conn);
      assertThat(versions.data().apiKeys().find(ApiKeys.DESCRIBE_ACLS.id)).isNull();
      conn.writeFrame(header(ApiKeys.DESCRIBE_ACLS.id, (short) 1, 43));
      assertThat(conn.readToEnd()).isZero();
    }
  }

  @Test
  void anUnknownApiVersionsVersionIsStillAnsweredAsKip511Says() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection conn = new RawKafkaConnection(server.door().port())) {
      short tooNew = (short) (ApiKeys.API_VERSIONS.latestVersion(true) + 1);
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(flexibleHeader(ApiKeys.API_VERSIONS.id, tooNew, 44));
      frame.write(new byte[] {1, 1, 0}); // whatever a newer version holds: KIP-511 reads none of it
      conn.writeFrame(frame.toByteArray());
      ByteBuffer answer = conn.readFrame();
      assertThat(answer.getInt()).isEqualTo(44);
      assertThat(Errors.forCode(answer.getShort())).isEqualTo(Errors.UNSUPPORTED_VERSION);
      assertStillServing(conn);
    }
  }

  @Test
  void aMalformedBodyClosesTheConnection() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection conn = new RawKafkaConnection(server.door().port())) {
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(flexibleHeader(ApiKeys.DESCRIBE_CLUSTER.id, (short) 1, 45));
      // DescribeCluster v1 is a boolean, a byte and tagged fields: one byte is too short.
      frame.write(new byte[] {0x7f});
      conn.writeFrame(frame.toByteArray());
      assertThat(conn.readToEnd()).isZero();
    }
  }

  @Test
  void aProduceCutShortIsAnsweredByAClosedConnectionAndOneLogLine() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        LogCapture connectionLog = LogCapture.of(KafkaConnection.class);
        LogCapture errorsLog = LogCapture.of(KafkaErrors.class);
        RawKafkaConnection conn = new RawKafkaConnection(server.door().port())) {
      server.topics().create("cut", 1, Map.of()).join();
      List<String> failed = new CopyOnWriteArrayList<>();
      server
          .door()
          .broker()
          .observeRequests(
              (api, nanos, error) -> {
                if (error) {
                  failed.add(api);
                }
              });
      byte[] whole = serialized(produce("cut"), 46);
      // The frame's size matches what is sent, but the body stops in the middle of the batch.
      conn.writeFrame(Arrays.copyOf(whole, whole.length - 20));

      assertThat(conn.readToEnd()).isZero();
      assertThat(server.topics().partition("cut", 0).orElseThrow().logEndOffset()).isZero();
      assertThat(connectionLog.linesContaining("malformed Produce v12 request")).hasSize(1);
      assertThat(connectionLog.withStackTraces()).isEmpty();
      assertThat(errorsLog.events()).isEmpty();
      assertThat(failed).containsExactly("Produce");
    }
  }

  @Test
  void theRequestsBeforeABadOneAreAnsweredThenTheConnectionCloses() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection conn = new RawKafkaConnection(server.door().port())) {
      RequestHeader first = conn.write(versionsRequest());
      conn.writeFrame(header((short) 999, (short) 0, 47));
      RequestHeader afterTheBadOne = conn.write(versionsRequest());
      ApiVersionsResponse answered = conn.read(first, ApiVersionsResponse.class);
      assertThat(answered.data().errorCode()).isEqualTo(Errors.NONE.code());
      assertThat(conn.readToEnd())
          .as(
              "bytes answered after the bad request (correlation id %d was not served)",
              afterTheBadOne.correlationId())
          .isZero();
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
  void aFrameTooShortForAHeaderClosesItsOwnConnectionOnly() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection bystander = new RawKafkaConnection(server.door().port());
        RawKafkaConnection broken = new RawKafkaConnection(server.door().port())) {
      broken.writeFrame(new byte[] {0, 3});
      assertThat(broken.readToEnd()).isZero();
      assertStillServing(bystander);
    }
  }

  private static void assertStillServing(RawKafkaConnection conn) throws IOException {
    ApiVersionsResponse versions = apiVersions(conn);
    assertThat(versions.data().errorCode()).isEqualTo(Errors.NONE.code());
    assertThat(versions.data().apiKeys().find(ApiKeys.CREATE_TOPICS.id)).isNotNull();
  }

  private static ApiVersionsResponse apiVersions(RawKafkaConnection conn) throws IOException {
    return conn.send(versionsRequest(), ApiVersionsResponse.class);
  }

  private static ApiVersionsRequest versionsRequest() {
    return new ApiVersionsRequest(
        new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"),
        (short) 3);
  }

  /** A Produce v12 of one record to partition 0 of {@code topic}. */
  static ProduceRequest produce(String topic) {
    TopicProduceDataCollection topics = new TopicProduceDataCollection();
    topics.add(
        new TopicProduceData()
            .setName(topic)
            .setPartitionData(
                List.of(
                    new PartitionProduceData()
                        .setIndex(0)
                        .setRecords(
                            MemoryRecords.withRecords(
                                Compression.NONE, new SimpleRecord("v".getBytes()))))));
    return new ProduceRequest.Builder(
            (short) 12,
            (short) 12,
            new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000).setTopicData(topics))
        .build((short) 12);
  }

  /** {@code request} with its header, as one frame's body. */
  static byte[] serialized(AbstractRequest request, int correlationId) {
    ByteBuffer bytes =
        request.serializeWithHeader(
            new RequestHeader(request.apiKey(), request.version(), "raw", correlationId));
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    return out;
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
