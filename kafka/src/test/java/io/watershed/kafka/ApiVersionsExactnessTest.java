package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractRequest;
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
 * sent (with a request of default values) over one connection, and each advertised pair is answered
 * without {@code UNSUPPORTED_VERSION}, each other pair with it — also versions newer than the codec
 * knows — and the connection serves on after every one of them.
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
  void everyAdvertisedVersionIsServedAndEveryOtherOneIsUnsupported() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      ApiVersionsResponse advertised =
          raw.send(
              new ApiVersionsRequest(
                  new ApiVersionsRequestData()
                      .setClientSoftwareName("exact")
                      .setClientSoftwareVersion("1"),
                  ApiKeys.API_VERSIONS.latestVersion(false)),
              ApiVersionsResponse.class);
      assertThat(advertised.data().errorCode()).isZero();

      List<Pair> servedWrongly = new ArrayList<>();
      List<Pair> notRefused = new ArrayList<>();
      int refused = 0;
      int correlationId = 1_000;
      for (ApiKeys api : ApiKeys.values()) {
        ApiMessageType type = api.messageType;
        for (short v = type.lowestSupportedVersion();
            v <= type.highestSupportedVersion(true);
            v++) {
          boolean served = isAdvertised(advertised.data(), api, v);
          RequestHeader header = new RequestHeader(api, v, "exact", ++correlationId);
          ByteBuffer request =
              RequestUtils.serialize(header.data(), header.headerVersion(), body(api), v);
          raw.writeFrame(bytes(request));
          Answer answer = answer(raw.readFrame(), header, refusalIsVisible(api, v));
          if (served && answer == Answer.UNSUPPORTED) {
            servedWrongly.add(new Pair(api, v));
          } else if (!served && answer == Answer.SERVED) {
            notRefused.add(new Pair(api, v));
          } else if (!served && answer == Answer.UNSUPPORTED) {
            refused++;
          }
        }
        assertNewerThanTheCodecIsUnsupported(raw, api, ++correlationId);
      }
      assertThat(servedWrongly).as("advertised but answered UNSUPPORTED_VERSION").isEmpty();
      assertThat(notRefused).as("not advertised but served").isEmpty();
      // Sanity: the refusals were seen, not merely unseeable.
      assertThat(refused).isGreaterThan(50);
    }
  }

  /** What an answer says about whether its request was served. */
  private enum Answer {
    UNSUPPORTED,
    SERVED,
    /** Refused or not, the answer could not show it (see {@link #refusalIsVisible}). */
    UNKNOWABLE
  }

  /**
   * Reads an answer in the response's own schema, or, when the broker could not build one (a
   * request whose defaults do not parse at that version), as a bare error.
   */
  private static Answer answer(ByteBuffer answer, RequestHeader header, boolean visible) {
    Map<Errors, Integer> errors;
    if (answer.remaining() == 6) {
      assertThat(answer.getInt())
          .as("%s correlation id", header.apiKey())
          .isEqualTo(header.correlationId());
      errors = Map.of(Errors.forCode(answer.getShort()), 1);
    } else {
      errors = AbstractResponse.parseResponse(answer, header).errorCounts();
    }
    if (errors.containsKey(Errors.UNSUPPORTED_VERSION)) {
      return Answer.UNSUPPORTED;
    }
    return visible ? Answer.SERVED : Answer.UNKNOWABLE;
  }

  /**
   * Whether an UNSUPPORTED_VERSION answer to the default request would show: the error response of
   * a request with no topics or partitions has nowhere to put the code in some schemas (a top-level
   * error field only from some version on). A request whose defaults do not parse is answered with
   * a bare error, which always shows it.
   */
  private static boolean refusalIsVisible(ApiKeys api, short version) {
    ApiMessage body = body(api);
    ObjectSerializationCache cache = new ObjectSerializationCache();
    ByteBuffer buffer = ByteBuffer.allocate(body.size(cache, version));
    body.write(new ByteBufferAccessor(buffer), cache, version);
    buffer.flip();
    AbstractRequest parsed;
    try {
      parsed = AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(buffer)).request;
    } catch (RuntimeException unparseable) {
      return true;
    }
    return parsed
        .getErrorResponse(0, new UnsupportedVersionException("refused"))
        .errorCounts()
        .containsKey(Errors.UNSUPPORTED_VERSION);
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

  /**
   * A version beyond what the codec can parse: no schema to answer with, so a bare error (Kafka too
   * can only answer what it can parse); for ApiVersions the KIP-511 answer, a v0 body with
   * UNSUPPORTED_VERSION and the versions served, so the client retries with one of them.
   */
  private static void assertNewerThanTheCodecIsUnsupported(
      RawKafkaConnection raw, ApiKeys api, int correlationId) throws IOException {
    short tooNew = (short) (api.messageType.highestSupportedVersion(true) + 1);
    ByteBuffer header = ByteBuffer.allocate(10);
    header.putShort(api.id).putShort(tooNew).putInt(correlationId).putShort((short) -1).flip();
    // ApiVersions v3+ headers end in a tagged-field section: one byte, 0, for none.
    byte[] frame = new byte[header.remaining() + (api == ApiKeys.API_VERSIONS ? 1 : 0)];
    header.get(frame, 0, header.remaining());
    raw.writeFrame(frame);
    ByteBuffer answer = raw.readFrame();
    if (api == ApiKeys.API_VERSIONS) {
      ResponseHeader responseHeader = ResponseHeader.parse(answer, (short) 0);
      assertThat(responseHeader.correlationId()).isEqualTo(correlationId);
      ApiVersionsResponseData body = new ApiVersionsResponseData();
      body.read(new ByteBufferAccessor(answer), (short) 0);
      assertThat(Errors.forCode(body.errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
      assertThat(body.apiKeys()).isNotEmpty();
    } else {
      assertThat(answer.getInt()).as("%s v%d correlation id", api, tooNew).isEqualTo(correlationId);
      assertThat(Errors.forCode(answer.getShort()))
          .as("%s v%d", api, tooNew)
          .isEqualTo(Errors.UNSUPPORTED_VERSION);
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
