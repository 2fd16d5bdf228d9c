package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ApiVersions advertises exactly what is served: every API key and version the Kafka codec knows is
 * sent (with a request of default values), each on a connection of its own. Each advertised pair is
 * answered, never with {@code UNSUPPORTED_VERSION}; each other pair closes its connection without
 * an answer, as Kafka's broker closes it for a request it has not enabled — also versions newer
 * than the codec knows, except ApiVersions, which KIP-511 answers.
 */
class ApiVersionsExactnessTest {
  @TempDir Path dir;

  private record Pair(ApiKeys api, short version) {
    @Override
    public String toString() {
      return api + " v" + version;
    }
  }

  @Test
  void everyAdvertisedVersionIsServedAndEveryOtherOneClosesItsConnection() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir)) {
      int port = server.door().port();
      ApiVersionsResponseData advertised;
      try (RawKafkaConnection raw = new RawKafkaConnection(port)) {
        advertised =
            raw.send(
                    new ApiVersionsRequest(
                        new ApiVersionsRequestData()
                            .setClientSoftwareName("exact")
                            .setClientSoftwareVersion("1"),
                        ApiKeys.API_VERSIONS.latestVersion(false)),
                    ApiVersionsResponse.class)
                .data();
      }
      assertThat(advertised.errorCode()).isZero();

      List<Pair> servedWrongly = new ArrayList<>();
      List<Pair> notRefused = new ArrayList<>();
      int refused = 0;
      int correlationId = 1_000;
      for (ApiKeys api : ApiKeys.values()) {
        ApiMessageType type = api.messageType;
        for (short v = type.lowestSupportedVersion();
            v <= type.highestSupportedVersion(true);
            v++) {
          Pair pair = new Pair(api, v);
          RequestHeader header = new RequestHeader(api, v, "exact", ++correlationId);
          ByteBuffer request =
              RequestUtils.serialize(header.data(), header.headerVersion(), body(api), v);
          ByteBuffer answer = answerOrNull(port, bytes(request));
          if (isAdvertised(advertised, api, v)) {
            if (answer == null
                || AbstractResponse.parseResponse(answer, header)
                    .errorCounts()
                    .containsKey(Errors.UNSUPPORTED_VERSION)) {
              servedWrongly.add(pair);
            }
          } else if (answer != null) {
            notRefused.add(pair);
          } else {
            refused++;
          }
        }
        assertNewerThanTheCodecIsRefused(port, api, ++correlationId);
      }
      assertThat(servedWrongly).as("advertised but not served").isEmpty();
      assertThat(notRefused).as("not advertised but answered").isEmpty();
      // Sanity: the refusals were seen.
      assertThat(refused).isGreaterThan(50);
    }
  }

  /**
   * A version beyond what the codec can parse closes the connection (Kafka answers
   * UnsupportedVersionException in SocketServer by closing); for ApiVersions the KIP-511 answer, a
   * v0 body with UNSUPPORTED_VERSION and the versions served, so the client retries with one.
   */
  private static void assertNewerThanTheCodecIsRefused(int port, ApiKeys api, int correlationId)
      throws IOException {
    short tooNew = (short) (api.messageType.highestSupportedVersion(true) + 1);
    ByteBuffer header = ByteBuffer.allocate(10);
    header.putShort(api.id).putShort(tooNew).putInt(correlationId).putShort((short) -1).flip();
    // ApiVersions v3+ headers end in a tagged-field section: one byte, 0, for none.
    byte[] frame = new byte[header.remaining() + (api == ApiKeys.API_VERSIONS ? 1 : 0)];
    header.get(frame, 0, header.remaining());
    ByteBuffer answer = answerOrNull(port, frame);
    if (api == ApiKeys.API_VERSIONS) {
      assertThat(answer).as("ApiVersions v%d answered", tooNew).isNotNull();
      ResponseHeader responseHeader = ResponseHeader.parse(answer, (short) 0);
      assertThat(responseHeader.correlationId()).isEqualTo(correlationId);
      ApiVersionsResponseData body = new ApiVersionsResponseData();
      body.read(new ByteBufferAccessor(answer), (short) 0);
      assertThat(Errors.forCode(body.errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
      assertThat(body.apiKeys()).isNotEmpty();
    } else {
      assertThat(answer).as("%s v%d answered", api, tooNew).isNull();
    }
  }

  /** Sends one frame on a new connection; its answer, or null when the broker closed instead. */
  private static ByteBuffer answerOrNull(int port, byte[] frame) throws IOException {
    try (RawKafkaConnection raw = new RawKafkaConnection(port)) {
      raw.writeFrame(frame);
      try {
        return raw.readFrame();
      } catch (java.io.EOFException | java.net.SocketException closed) {
        return null;
      }
    }
  }

  /** A request of default values; Produce asks for an answer (acks=0 gets none). */
  private static ApiMessage body(ApiKeys api) {
    ApiMessage body = api.messageType.newRequest();
    if (body instanceof ProduceRequestData produce) {
      produce.setAcks((short) 1);
    }
    return body;
  }

  private static boolean isAdvertised(ApiVersionsResponseData data, ApiKeys api, short version) {
    ApiVersion v = data.apiKeys().find(api.id);
    return v != null && version >= v.minVersion() && version <= v.maxVersion();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
