package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The Kinesis error contract as the SDK sees it, against the server process, in CBOR and JSON:
 * validation before lookups with every violated constraint listed, the arguments Kinesis refuses
 * once it has found the stream, shard ids in any {@code <prefix>-<n>} spelling, 56-digit sequence
 * numbers, and Kinesis's answer to a GET.
 */
class KinesisErrorContractTest {
  @TempDir Path dir;

  private static KinesisException failure(Runnable call) {
    try {
      call.run();
    } catch (KinesisException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void theSdkSeesKinesisErrors() throws Exception {
    try (WatershedProcess server = new WatershedProcess(dir.resolve("data")).start()) {
      for (boolean cbor : new boolean[] {true, false}) {
        String stream = cbor ? "cbor" : "json";
        try (KinesisClient kinesis = KinesisClients.sync(server, cbor)) {
          kinesis.createStream(b -> b.streamName(stream).shardCount(2));

          KinesisException invalid =
              failure(() -> kinesis.createStream(b -> b.streamName("").shardCount(0)));
          assertThat(invalid.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
          assertThat(invalid.awsErrorDetails().errorMessage())
              .startsWith("3 validation errors detected: ")
              .contains("Value '' at 'streamName' failed to satisfy constraint")
              .contains(
                  "Value '0' at 'shardCount' failed to satisfy constraint: Member must have value"
                      + " greater than or equal to 1");

          // Validation comes before the lookup: the stream does not exist either.
          assertThat(
                  failure(() -> kinesis.describeStream(b -> b.streamName("nope").limit(0)))
                      .awsErrorDetails()
                      .errorCode())
              .isEqualTo("ValidationException");

          assertThat(failure(() -> kinesis.listShards(b -> {})).awsErrorDetails().errorMessage())
              .isEqualTo("Either NextToken or StreamName should be provided.");

          KinesisException both =
              failure(
                  () ->
                      kinesis.getShardIterator(
                          b ->
                              b.streamName(stream)
                                  .shardId("shardId-000000000000")
                                  .shardIteratorType(ShardIteratorType.TRIM_HORIZON)
                                  .startingSequenceNumber("1")));
          assertThat(both.awsErrorDetails().errorCode()).isEqualTo("InvalidArgumentException");
          assertThat(both.awsErrorDetails().errorMessage())
              .endsWith("Request specified TRIM_HORIZON and also a StartingSequenceNumber.");

          KinesisException future =
              failure(
                  () ->
                      kinesis.getShardIterator(
                          b ->
                              b.streamName(stream)
                                  .shardId("shardId-000000000000")
                                  .shardIteratorType(ShardIteratorType.AT_TIMESTAMP)
                                  .timestamp(Instant.now().plusSeconds(60))));
          assertThat(future.awsErrorDetails().errorMessage())
              .startsWith("The timestampInMillis parameter cannot be greater than the");

          assertThat(
                  failure(
                          () ->
                              kinesis.addTagsToStream(
                                  b -> b.streamName(stream).tags(java.util.Map.of("a", "b#c"))))
                      .awsErrorDetails()
                      .errorCode())
              .isEqualTo("InvalidArgumentException");

          String sequence =
              kinesis
                  .putRecord(
                      b ->
                          b.streamName(stream)
                              .partitionKey("k")
                              .explicitHashKey("0")
                              .data(SdkBytes.fromUtf8String("one")))
                  .sequenceNumber();
          assertThat(sequence).hasSize(56).startsWith("49");
          String iterator =
              kinesis
                  .getShardIterator(
                      b ->
                          b.streamName(stream)
                              .shardId("shard-0")
                              .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                              .startingSequenceNumber(sequence))
                  .shardIterator();
          assertThat(kinesis.getRecords(b -> b.shardIterator(iterator)).records())
              .extracting(r -> r.sequenceNumber())
              .containsExactly(sequence);
          assertThatThrownBy(
                  () ->
                      kinesis.getShardIterator(
                          b ->
                              b.streamName(stream)
                                  .shardId("shard-9")
                                  .shardIteratorType(ShardIteratorType.LATEST)))
              .hasMessageContaining(
                  "Shard shardId-000000000009 in stream " + stream + " under account");
        }
      }

      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> get =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + KinesisClients.port(server) + "/"))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(403);
        assertThat(get.body()).contains("<AccessDeniedException>");
      }
      assertThat(server.isAlive()).isTrue();
    }
  }
}
