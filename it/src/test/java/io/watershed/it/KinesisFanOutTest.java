package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Enhanced fan-out with the async SDK client: a registered consumer's SubscribeToShard delivers
 * records as they are written, resumes exactly after a ContinuationSequenceNumber, and ends when
 * its lifetime is over (shortened here from Kinesis's five minutes).
 */
class KinesisFanOutTest {
  @TempDir Path dir;

  @Test
  void subscriptionsDeliverLiveRecordsResumeAndExpire() throws Exception {
    try (WatershedProcess server =
            new WatershedProcess(
                    dir.resolve("data"), "--set", "kinesis.subscription.lifetime.ms=4000")
                .start();
        KinesisClient kinesis = KinesisClients.sync(server, true);
        KinesisAsyncClient async = KinesisClients.async(server)) {
      String stream = "fan";
      kinesis.createStream(b -> b.streamName(stream).shardCount(1));
      String streamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
      var consumer =
          kinesis
              .registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("app"))
              .consumer();
      assertThat(consumer.consumerStatus()).isEqualTo(ConsumerStatus.ACTIVE);
      put(kinesis, stream, "old");

      List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> first =
          subscribe(async, consumer.consumerARN(), ShardIteratorType.LATEST, null, events);
      waitFor(() -> !events.isEmpty());
      for (int i = 0; i < 20; i++) {
        put(kinesis, stream, "live-" + i);
      }
      waitFor(() -> data(events).size() >= 20);
      assertThat(data(events)).hasSize(20).first().isEqualTo("live-0");
      assertThat(data(events)).last().isEqualTo("live-19");
      String continuation = events.getLast().continuationSequenceNumber();
      assertThat(continuation).isNotNull();
      // The lifetime ends the subscription: the SDK completes the future normally.
      first.get(20, TimeUnit.SECONDS);

      put(kinesis, stream, "while-away");
      List<SubscribeToShardEvent> resumed = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> second =
          subscribe(
              async,
              consumer.consumerARN(),
              ShardIteratorType.AFTER_SEQUENCE_NUMBER,
              continuation,
              resumed);
      waitFor(() -> !data(resumed).isEmpty());
      put(kinesis, stream, "after");
      waitFor(() -> data(resumed).size() >= 2);
      assertThat(data(resumed)).containsExactly("while-away", "after");
      second.get(20, TimeUnit.SECONDS);
      assertThat(server.isAlive()).isTrue();
    }
  }

  private static void put(KinesisClient kinesis, String stream, String data) {
    kinesis.putRecord(
        b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromUtf8String(data)));
  }

  static CompletableFuture<Void> subscribe(
      KinesisAsyncClient async,
      String consumerArn,
      ShardIteratorType type,
      String sequence,
      List<SubscribeToShardEvent> events) {
    return async.subscribeToShard(
        b ->
            b.consumerARN(consumerArn)
                .shardId("shardId-000000000000")
                .startingPosition(p -> p.type(type).sequenceNumber(sequence)),
        SubscribeToShardResponseHandler.builder()
            .subscriber(
                SubscribeToShardResponseHandler.Visitor.builder()
                    .onSubscribeToShardEvent(events::add)
                    .build())
            .build());
  }

  static List<String> data(List<SubscribeToShardEvent> events) {
    return events.stream()
        .flatMap(e -> e.records().stream())
        .map(r -> r.data().asUtf8String())
        .toList();
  }

  static void waitFor(BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(done.getAsBoolean()).isTrue();
  }
}
