package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka answers the requests of one connection in the order they were sent, although the broker may
 * finish them out of order: a long-polling Fetch sent first is answered before the ApiVersions sent
 * right after it, which is ready at once.
 */
class ResponseOrderTest {
  private static final int MAX_WAIT_MS = 700;

  @TempDir Path dir;

  @Test
  void aQuickRequestBehindALongPollWaitsForItsTurn() throws Exception {
    try (KafkaTestServer server = new KafkaTestServer(dir);
        RawKafkaConnection raw = new RawKafkaConnection(server.door().port())) {
      server.topics().create("quiet", 1, Map.of()).join();
      long start = System.nanoTime();
      RequestHeader fetch =
          raw.write(
              FetchRequest.Builder.forConsumer(
                      (short) 12,
                      MAX_WAIT_MS,
                      1,
                      Map.of(
                          new TopicPartition("quiet", 0),
                          new FetchRequest.PartitionData(
                              Uuid.ZERO_UUID, 0, 0, 1024 * 1024, Optional.empty())))
                  .build((short) 12));
      RequestHeader versions =
          raw.write(
              new ApiVersionsRequest(
                  new ApiVersionsRequestData()
                      .setClientSoftwareName("order")
                      .setClientSoftwareVersion("1"),
                  (short) 3));

      FetchResponse first = raw.read(fetch, FetchResponse.class);
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(first.error()).isEqualTo(Errors.NONE);
      assertThat(waitedMs).as("the fetch long-polled").isGreaterThanOrEqualTo(MAX_WAIT_MS - 50);
      ApiVersionsResponse second = raw.read(versions, ApiVersionsResponse.class);
      assertThat(second.data().errorCode()).isZero();
    }
  }
}
