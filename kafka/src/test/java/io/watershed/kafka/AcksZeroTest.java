package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Produce with {@code acks=0} gets no response. When it fails, Kafka closes the connection — the
 * only way to tell a client that reads no response to refresh its metadata — and so does this
 * broker, after answering what came before it.
 */
class AcksZeroTest {
  @TempDir Path dir;

  private static MemoryRecords oneRecord() {
    return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("v".getBytes()));
  }

  private static ApiVersionsRequest apiVersions() {
    return new ApiVersionsRequest(
        new ApiVersionsRequestData().setClientSoftwareName("acks0").setClientSoftwareVersion("1"),
        (short) 3);
  }

  @Test
  void aStoredAcksZeroProduceIsNotAnswered() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      server.topics().create("fire", 1, Map.of()).join();
      raw.write(ProducerSequenceTest.request("fire", 0, oneRecord(), (short) 0));
      // The next frame on the connection answers the next request: none was sent for the produce.
      RequestHeader next = raw.write(apiVersions());
      assertThat(raw.read(next, ApiVersionsResponse.class).data().errorCode()).isZero();
      assertThat(server.topics().partition("fire", 0).orElseThrow().logEndOffset()).isEqualTo(1);
    }
  }

  @Test
  void aFailedAcksZeroProduceClosesItsConnectionAfterEarlierAnswers() throws Exception {
    KafkaConfig noAutoCreate =
        KafkaConfig.defaults("127.0.0.1", 0, "127.0.0.1").withAutoCreateTopics(false, 1);
    try (KafkaTestServer server = new KafkaTestServer(dir, noAutoCreate);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port());
        RawKafkaConnection bystander = new RawKafkaConnection(server.door().port())) {
      RequestHeader before = raw.write(apiVersions());
      raw.write(ProducerSequenceTest.request("absent", 0, oneRecord(), (short) 0));
      raw.write(apiVersions()); // sent after the failing produce: never answered
      assertThat(raw.read(before, ApiVersionsResponse.class).data().errorCode()).isZero();
      assertThat(raw.readToEnd()).as("bytes after the close").isZero();
      RequestHeader other = bystander.write(apiVersions());
      assertThat(bystander.read(other, ApiVersionsResponse.class).data().errorCode()).isZero();
    }
  }
}
