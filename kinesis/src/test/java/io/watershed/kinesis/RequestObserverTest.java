package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.watershed.log.PartitionTraffic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The door's hook for metrics: every answered request reaches the observer once, under its
 * operation's name and with whether it failed; connections are counted while open; records read
 * with GetRecords count as the partition's traffic out.
 */
class RequestObserverTest {
  record Seen(String operation, long nanos, boolean failed) {}

  @TempDir Path dir;

  @Test
  void requestsConnectionsAndRecordsOutAreReported() throws Exception {
    Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    try (KinesisTestServer server =
        new KinesisTestServer(
            dir,
            KinesisConfig.defaults("127.0.0.1", 0),
            (api, nanos, failed) -> seen.add(new Seen(api, nanos, failed)))) {
      try (KinesisClient kinesis = server.client(true)) {
        kinesis.createStream(b -> b.streamName("observed").shardCount(1));
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          entries.add(
              PutRecordsRequestEntry.builder()
                  .partitionKey("k" + i)
                  .data(SdkBytes.fromUtf8String("value-" + i))
                  .build());
        }
        kinesis.putRecords(b -> b.streamName("observed").records(entries));
        String iterator =
            kinesis
                .getShardIterator(
                    b ->
                        b.streamName("observed")
                            .shardId("shardId-000000000000")
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        assertThat(kinesis.getRecords(b -> b.shardIterator(iterator)).records()).hasSize(10);
        assertThatThrownBy(() -> kinesis.describeStream(b -> b.streamName("missing")))
            .isInstanceOf(ResourceNotFoundException.class);
        assertThat(server.door().openConnections()).isPositive();
      }
      try (KinesisAsyncClient async = server.asyncClient()) {
        async.listStreams(b -> {}).get();
      }
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> bogus =
            http.send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
                    .header("X-Amz-Target", "Kinesis_20131202.NoSuchOperation")
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bogus.statusCode()).isEqualTo(400);
      }

      assertThat(seen)
          .extracting(Seen::operation, Seen::failed)
          .containsExactly(
              tuple("CreateStream", false),
              tuple("PutRecords", false),
              tuple("GetShardIterator", false),
              tuple("GetRecords", false),
              tuple("DescribeStream", true),
              tuple("ListStreams", false),
              tuple(KinesisDispatcher.UNKNOWN_OPERATION, true));
      assertThat(seen).allMatch(s -> s.nanos() > 0);

      long deadline = System.nanoTime() + 10_000_000_000L;
      while (server.door().openConnections() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(server.door().openConnections()).isZero();

      PartitionTraffic traffic = server.topics().partition("observed", 0).orElseThrow().traffic();
      assertThat(traffic.recordsIn()).isEqualTo(10);
      assertThat(traffic.recordsOut()).isEqualTo(10);
      assertThat(traffic.bytesOut()).isEqualTo(10 * ("value-0".length() + "k0".length()));
    }
  }
}
