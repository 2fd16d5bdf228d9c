package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.StreamsGroupHeartbeatRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.StreamsGroupHeartbeatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams' own group protocol (KIP-1071, {@code group.protocol=streams}) is not served, and
 * the client learns it as from a Kafka broker without it: the Streams group APIs are not in
 * ApiVersions, so kafka-clients refuses before sending anything, with "The cluster does not support
 * the STREAMS group protocol or does not support the versions of the STREAMS group protocol used by
 * this client" (StreamsGroupHeartbeatRequestManager). The classic protocol serves Kafka Streams.
 */
class StreamsProtocolRefusedTest {
  @TempDir Path dir;

  @Test
  void theStreamsGroupApisAreNotAdvertisedAndARequestForOneClosesItsConnection() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      ApiVersionsResponseData versions =
          raw.send(
                  new ApiVersionsRequest(
                      new ApiVersionsRequestData()
                          .setClientSoftwareName("streams")
                          .setClientSoftwareVersion("1"),
                      ApiKeys.API_VERSIONS.latestVersion(false)),
                  ApiVersionsResponse.class)
              .data();
      assertThat(versions.apiKeys().find(ApiKeys.STREAMS_GROUP_HEARTBEAT.id)).isNull();
      assertThat(versions.apiKeys().find(ApiKeys.STREAMS_GROUP_DESCRIBE.id)).isNull();
      // The classic group protocol, Kafka Streams' default, is served.
      assertThat(versions.apiKeys().find(ApiKeys.JOIN_GROUP.id)).isNotNull();

      // A client that sends it anyway is treated as Kafka treats a request it has not enabled.
      raw.write(
          new StreamsGroupHeartbeatRequest.Builder(
                  new StreamsGroupHeartbeatRequestData()
                      .setGroupId("app")
                      .setMemberId("m")
                      .setMemberEpoch(0))
              .build((short) 0));
      assertThat(raw.readToEnd()).isZero();
    }
  }
}
