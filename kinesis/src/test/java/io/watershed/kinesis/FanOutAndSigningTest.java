package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/** SubscribeToShard over h2c with the async SDK, SigV4 verification and limit emulation. */
class FanOutAndSigningTest {
  @TempDir Path dir;

  @Test
  void subscribeDeliversLiveRecordsAndResumes() throws Exception {
    try (KinesisTestServer server = new KinesisTestServer(dir);
        KinesisClient kinesis = server.client(true);
        KinesisAsyncClient async = server.asyncClient()) {
      kinesis.createStream(b -> b.streamName("fan").shardCount(1));
      String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/fan";
      String consumer =
          kinesis
              .registerStreamConsumer(b -> b.streamARN(arn).consumerName("app"))
              .consumer()
              .consumerARN();
      kinesis.putRecord(
          b -> b.streamName("fan").partitionKey("k").data(SdkBytes.fromUtf8String("before")));

      List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> first =
          subscribe(async, consumer, ShardIteratorType.TRIM_HORIZON, null, events);
      for (int i = 0; i < 5; i++) {
        int n = i;
        kinesis.putRecord(
            b -> b.streamName("fan").partitionKey("k").data(SdkBytes.fromUtf8String("live-" + n)));
      }
      waitFor(() -> data(events).size() >= 6);
      assertThat(data(events))
          .containsExactly("before", "live-0", "live-1", "live-2", "live-3", "live-4");
      String continuation = events.getLast().continuationSequenceNumber();
      // A second subscription within five seconds of a running one is refused.
      CompletableFuture<Void> again =
          subscribe(async, consumer, ShardIteratorType.LATEST, null, new CopyOnWriteArrayList<>());
      assertThatThrownBy(() -> again.get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ResourceInUseException.class);
      first.cancel(true);

      // Resume after the last record seen: only what came later.
      kinesis.putRecords(
          b ->
              b.streamName("fan")
                  .records(
                      PutRecordsRequestEntry.builder()
                          .partitionKey("k")
                          .data(SdkBytes.fromUtf8String("later"))
                          .build()));
      List<SubscribeToShardEvent> more = new CopyOnWriteArrayList<>();
      Thread.sleep(200);
      CompletableFuture<Void> second =
          subscribe(async, consumer, ShardIteratorType.AFTER_SEQUENCE_NUMBER, continuation, more);
      waitFor(() -> !data(more).isEmpty());
      assertThat(data(more)).containsExactly("later");
      second.cancel(true);
    }
  }

  @Test
  void subscribeOverHttp11AsBoto3CallsIt() throws Exception {
    try (KinesisTestServer server = new KinesisTestServer(dir);
        KinesisClient kinesis = server.client(true)) {
      kinesis.createStream(b -> b.streamName("chunked").shardCount(1));
      String consumer =
          kinesis
              .registerStreamConsumer(
                  b ->
                      b.streamARN("arn:aws:kinesis:us-east-1:000000000000:stream/chunked")
                          .consumerName("py"))
              .consumer()
              .consumerARN();
      kinesis.putRecord(
          b -> b.streamName("chunked").partitionKey("k").data(SdkBytes.fromUtf8String("one")));
      String body =
          "{\"ConsumerARN\":\""
              + consumer
              + "\",\"ShardId\":\"shardId-000000000000\",\"StartingPosition\":{\"Type\":"
              + "\"TRIM_HORIZON\"}}";
      try (java.net.http.HttpClient http =
          java.net.http.HttpClient.newBuilder()
              .version(java.net.http.HttpClient.Version.HTTP_1_1)
              .build()) {
        var response =
            http.send(
                java.net.http.HttpRequest.newBuilder(server.endpoint())
                    .header("Content-Type", "application/x-amz-json-1.1")
                    .header("X-Amz-Target", "Kinesis_20131202.SubscribeToShard")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValue("application/vnd.amazon.eventstream");
        List<software.amazon.eventstream.Message> messages = new CopyOnWriteArrayList<>();
        software.amazon.eventstream.MessageDecoder decoder =
            new software.amazon.eventstream.MessageDecoder(messages::add);
        try (var in = response.body()) {
          byte[] buf = new byte[4096];
          while (messages.size() < 2) {
            int n = in.read(buf);
            assertThat(n).isPositive();
            decoder.feed(buf, 0, n);
          }
        }
        assertThat(messages.get(0).getHeaders().get(":event-type").getString())
            .isEqualTo("initial-response");
        assertThat(messages.get(1).getHeaders().get(":event-type").getString())
            .isEqualTo("SubscribeToShardEvent");
        var event = BodyEncoding.JSON.mapper().readTree(messages.get(1).getPayload());
        assertThat(event.path("Records").get(0).path("Data").asText()).isEqualTo("b25l");
        assertThat(event.path("ContinuationSequenceNumber").asText())
            .isEqualTo(SequenceNumbers.of(0, 0));
      }
    }
  }

  @Test
  void largeRecordsAreSpreadOverEventsOfAboutOneMebibyte() throws Exception {
    try (KinesisTestServer server = new KinesisTestServer(dir);
        KinesisClient kinesis = server.client(true);
        KinesisAsyncClient async = server.asyncClient()) {
      kinesis.createStream(b -> b.streamName("big").shardCount(1));
      String consumer =
          kinesis
              .registerStreamConsumer(
                  b ->
                      b.streamARN("arn:aws:kinesis:us-east-1:000000000000:stream/big")
                          .consumerName("app"))
              .consumer()
              .consumerARN();
      for (int i = 0; i < 3; i++) {
        kinesis.putRecord(
            b ->
                b.streamName("big")
                    .partitionKey("k")
                    .data(SdkBytes.fromByteArray(new byte[600 * 1024])));
      }
      List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> sub =
          subscribe(async, consumer, ShardIteratorType.TRIM_HORIZON, null, events);
      waitFor(() -> events.stream().mapToInt(e -> e.records().size()).sum() >= 3);
      List<Integer> sizes =
          events.stream().map(e -> e.records().size()).filter(n -> n > 0).toList();
      // The byte budget is checked before each record: two records fill the first event.
      assertThat(sizes).containsExactly(2, 1);
      sub.cancel(true);
    }
  }

  private static CompletableFuture<Void> subscribe(
      KinesisAsyncClient async,
      String consumer,
      ShardIteratorType type,
      String sequence,
      List<SubscribeToShardEvent> events) {
    return async.subscribeToShard(
        b ->
            b.consumerARN(consumer)
                .shardId("shardId-000000000000")
                .startingPosition(p -> p.type(type).sequenceNumber(sequence)),
        SubscribeToShardResponseHandler.builder()
            .subscriber(
                SubscribeToShardResponseHandler.Visitor.builder()
                    .onSubscribeToShardEvent(events::add)
                    .build())
            .build());
  }

  private static List<String> data(List<SubscribeToShardEvent> events) {
    return events.stream()
        .flatMap(e -> e.records().stream())
        .map(r -> r.data().asUtf8String())
        .toList();
  }

  private static void waitFor(java.util.function.BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(done.getAsBoolean()).isTrue();
  }

  @Test
  void signaturesAreVerifiedWhenCredentialsAreConfigured() throws Exception {
    KinesisConfig config =
        KinesisConfig.defaults("127.0.0.1", 0).withCredentials("AKIDTEST", "secret");
    try (KinesisTestServer server = new KinesisTestServer(dir, config);
        KinesisClient good = server.client(true);
        KinesisClient json = server.client(false);
        KinesisClient bad = server.client(true, "wrong");
        KinesisAsyncClient async = server.asyncClient()) {
      good.createStream(b -> b.streamName("signed").shardCount(1));
      assertThat(json.listStreams().streamNames()).containsExactly("signed");
      assertThat(async.listStreams().get().streamNames()).containsExactly("signed");
      assertThatThrownBy(() -> bad.listStreams())
          .isInstanceOf(KinesisException.class)
          .satisfies(
              e -> {
                KinesisException k = (KinesisException) e;
                assertThat(k.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                assertThat(k.statusCode()).isEqualTo(400);
              });
    }
  }

  @Test
  void limitEmulationRefusesBeyondAShardsThroughput() throws Exception {
    KinesisConfig config = KinesisConfig.defaults("127.0.0.1", 0).withEmulateLimits(true);
    try (KinesisTestServer server = new KinesisTestServer(dir, config);
        KinesisClient kinesis = server.clientWithoutRetries()) {
      kinesis.createStream(b -> b.streamName("limited").shardCount(1));
      int failed = 0;
      for (int round = 0; round < 3; round++) {
        List<PutRecordsRequestEntry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
          entries.add(
              PutRecordsRequestEntry.builder()
                  .partitionKey("k" + i)
                  .data(SdkBytes.fromUtf8String("x"))
                  .build());
        }
        var put = kinesis.putRecords(b -> b.streamName("limited").records(entries));
        failed += put.failedRecordCount();
        put.records().stream()
            .filter(r -> r.errorCode() != null)
            .forEach(
                r -> assertThat(r.errorCode()).isEqualTo("ProvisionedThroughputExceededException"));
      }
      assertThat(failed).isGreaterThan(0);
      String it =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName("limited")
                          .shardId("shardId-000000000000")
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 10; i++) {
                  kinesis.getRecords(b -> b.shardIterator(it).limit(1));
                }
              })
          .isInstanceOf(ProvisionedThroughputExceededException.class);
    }
  }
}
