package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The AWS errors, as the SDK sees them (its exception class, {@code errorCode()} and HTTP status):
 * expired iterators and NextTokens (their lifetime shortened from Kinesis's five minutes), unknown
 * streams and shards, oversized records and requests, bad arguments, malformed bodies, and
 * signatures checked when the server has credentials. The server serves on after each.
 */
class KinesisErrorsTest {
  @TempDir Path dir;

  @Test
  void eachMistakeGetsItsAwsError() throws Exception {
    try (WatershedProcess server =
            new WatershedProcess(dir.resolve("data"), "--set", "kinesis.iterator.lifetime.ms=1500")
                .start();
        KinesisClient kinesis = KinesisClients.sync(server, true)) {
      kinesis.createStream(b -> b.streamName("s").shardCount(2));

      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName("s")
                          .shardId("shardId-000000000000")
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      String token = kinesis.listShards(b -> b.streamName("s").maxResults(1)).nextToken();
      Thread.sleep(2000);
      expect(() -> kinesis.getRecords(b -> b.shardIterator(iterator)), "ExpiredIteratorException");
      expect(() -> kinesis.listShards(b -> b.nextToken(token)), "ExpiredNextTokenException");

      // Unknown streams and shards.
      expect(() -> kinesis.describeStream(b -> b.streamName("nope")), "ResourceNotFoundException");
      expect(
          () -> kinesis.describeStreamSummary(b -> b.streamName("nope")),
          "ResourceNotFoundException");
      expect(() -> kinesis.deleteStream(b -> b.streamName("nope")), "ResourceNotFoundException");
      expect(() -> kinesis.listShards(b -> b.streamName("nope")), "ResourceNotFoundException");
      expect(
          () ->
              kinesis.putRecord(
                  b -> b.streamName("nope").partitionKey("k").data(SdkBytes.fromUtf8String("v"))),
          "ResourceNotFoundException");
      expect(
          () ->
              kinesis.describeStream(
                  b -> b.streamARN("arn:aws:kinesis:us-east-1:111111111111:stream/s")),
          "ResourceNotFoundException");
      expect(
          () ->
              kinesis.getShardIterator(
                  b ->
                      b.streamName("s")
                          .shardId("shardId-000000000007")
                          .shardIteratorType(ShardIteratorType.LATEST)),
          "ResourceNotFoundException");

      // Oversized records and requests.
      expect(
          () ->
              kinesis.putRecord(
                  b ->
                      b.streamName("s")
                          .partitionKey("k")
                          .data(SdkBytes.fromByteArray(new byte[1024 * 1024 + 1]))),
          "ValidationException");
      List<PutRecordsRequestEntry> big = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        big.add(
            PutRecordsRequestEntry.builder()
                .partitionKey("k")
                .data(SdkBytes.fromByteArray(new byte[1000 * 1024]))
                .build());
      }
      expect(
          () -> kinesis.putRecords(b -> b.streamName("s").records(big)),
          "InvalidArgumentException");
      List<PutRecordsRequestEntry> many = new ArrayList<>();
      for (int i = 0; i < 501; i++) {
        many.add(
            PutRecordsRequestEntry.builder()
                .partitionKey("k")
                .data(SdkBytes.fromUtf8String("v"))
                .build());
      }
      expect(() -> kinesis.putRecords(b -> b.streamName("s").records(many)), "ValidationException");

      // Bad arguments.
      expect(
          () -> kinesis.createStream(b -> b.streamName("s").shardCount(1)),
          "ResourceInUseException");
      expect(
          () -> kinesis.createStream(b -> b.streamName("z").shardCount(0)), "ValidationException");
      expect(
          () -> kinesis.createStream(b -> b.streamName("bad name").shardCount(1)),
          "ValidationException");
      expect(
          () -> kinesis.createStream(b -> b.streamName("huge").shardCount(100_000)),
          "LimitExceededException");
      expect(() -> kinesis.getRecords(b -> b.shardIterator("garbage")), "InvalidArgumentException");
      expect(
          () ->
              kinesis.getShardIterator(
                  b ->
                      b.streamName("s")
                          .shardId("shardId-000000000000")
                          .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                          .startingSequenceNumber("42")),
          "InvalidArgumentException");
      expect(
          () ->
              kinesis.getShardIterator(
                  b ->
                      b.streamName("s")
                          .shardId("shardId-000000000000")
                          .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)),
          "InvalidArgumentException");
      expect(
          () ->
              kinesis.putRecord(
                  b ->
                      b.streamName("s")
                          .partitionKey("k")
                          .explicitHashKey("340282366920938463463374607431768211456")
                          .data(SdkBytes.fromUtf8String("v"))),
          "InvalidArgumentException");
      expect(
          () ->
              kinesis.splitShard(
                  b ->
                      b.streamName("s")
                          .shardToSplit("shardId-000000000000")
                          .newStartingHashKey("0")),
          "InvalidArgumentException");
      expect(
          () ->
              kinesis.increaseStreamRetentionPeriod(
                  b -> b.streamName("s").retentionPeriodHours(9000)),
          "InvalidArgumentException");
      expect(
          () -> kinesis.getRecords(b -> b.shardIterator(iterator).limit(10_001)),
          "ValidationException");

      // Malformed bodies: the error, and the server goes on.
      URI uri = URI.create("http://127.0.0.1:" + KinesisClients.port(server));
      try (HttpClient http = HttpClient.newHttpClient()) {
        for (byte[] body :
            List.of(
                "{not json".getBytes(),
                "[1,2]".getBytes(),
                "{\"StreamName\":{\"a\":1}}".getBytes(),
                new byte[] {(byte) 0xff, 0, 1})) {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(uri)
                      .header("Content-Type", "application/x-amz-json-1.1")
                      .header("X-Amz-Target", "Kinesis_20131202.DescribeStream")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).isEqualTo(400);
          assertThat(r.body()).contains("SerializationException");
        }
      }
      assertThat(kinesis.listStreams().streamNames()).containsExactly("s");
      assertThat(server.isAlive()).isTrue();
    }
  }

  @Test
  void signaturesAreCheckedWhenCredentialsAreConfigured() throws Exception {
    try (WatershedProcess server =
            new WatershedProcess(
                    dir.resolve("signed"),
                    "--set",
                    "kinesis.access.key.id=" + KinesisClients.KEY_ID,
                    "--set",
                    "kinesis.secret.access.key=" + KinesisClients.SECRET)
                .start();
        KinesisClient good = KinesisClients.sync(server, true);
        KinesisClient json = KinesisClients.sync(server, false);
        KinesisClient wrong = KinesisClients.sync(server, true, "not-the-secret")) {
      good.createStream(b -> b.streamName("signed").shardCount(1));
      assertThat(json.listStreams().streamNames()).containsExactly("signed");
      expect(wrong::listStreams, "InvalidSignatureException");
    }
  }

  private static void expect(ThrowingCallable call, String errorCode) {
    assertThatThrownBy(call)
        .isInstanceOf(KinesisException.class)
        .satisfies(
            e -> {
              KinesisException k = (KinesisException) e;
              assertThat(k.awsErrorDetails().errorCode()).isEqualTo(errorCode);
              assertThat(k.statusCode()).isEqualTo(400);
            });
  }
}
