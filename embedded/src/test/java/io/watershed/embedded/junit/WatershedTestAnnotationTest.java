package io.watershed.embedded.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kurrent.dbclient.EventData;
import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.KurrentDBConnectionString;
import io.kurrent.dbclient.ReadStreamOptions;
import io.kurrent.dbclient.ResolvedEvent;
import io.watershed.embedded.Clients;
import io.watershed.embedded.EmbeddedWatershed;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** The annotation's node, shared by the class, seen by every front door's real client. */
@WatershedTest(settings = "kafka.num.partitions=2")
class WatershedTestAnnotationTest {
  private static EmbeddedWatershed fromBeforeAll;
  private final EmbeddedWatershed fromConstructor;

  WatershedTestAnnotationTest(EmbeddedWatershed watershed) {
    this.fromConstructor = watershed;
  }

  @BeforeAll
  static void before(EmbeddedWatershed watershed) {
    fromBeforeAll = watershed;
  }

  @AfterAll
  static void after(EmbeddedWatershed watershed) {
    assertThat(watershed.isRunning()).isTrue();
  }

  @Test
  void oneNodeForTheClassInEveryParameter(EmbeddedWatershed watershed) {
    assertThat(watershed).isSameAs(fromBeforeAll).isSameAs(fromConstructor);
    assertThat(watershed.isRunning()).isTrue();
  }

  @Test
  void annotationSettingsApply(EmbeddedWatershed watershed) throws Exception {
    try (var producer = Clients.producer(watershed)) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("two", "v")).get();
      assertThat(producer.partitionsFor("two")).hasSize(2);
    }
  }

  @Test
  void kafkaProducerAndConsumerRoundTrip(EmbeddedWatershed watershed) throws Exception {
    assertThat(Clients.kafkaRoundTrip(watershed, "orders", List.of("a", "b", "c")))
        .containsExactly("a", "b", "c");
  }

  @Test
  void kinesisThroughTheAwsSdk(EmbeddedWatershed watershed) {
    try (KinesisClient kinesis =
        KinesisClient.builder()
            .endpointOverride(watershed.kinesisEndpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClientBuilder(ApacheHttpClient.builder())
            .build()) {
      kinesis.createStream(b -> b.streamName("clicks").shardCount(1));
      kinesis.putRecord(
          b ->
              b.streamName("clicks")
                  .partitionKey("k")
                  .data(SdkBytes.fromString("hello", StandardCharsets.UTF_8)));
      String shard = kinesis.listShards(b -> b.streamName("clicks")).shards().get(0).shardId();
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName("clicks")
                          .shardId(shard)
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      var records = kinesis.getRecords(b -> b.shardIterator(iterator)).records();
      assertThat(records).hasSize(1);
      assertThat(records.get(0).data().asUtf8String()).isEqualTo("hello");
    }
  }

  @Test
  void kurrentDbClient(EmbeddedWatershed watershed) throws Exception {
    KurrentDBClient client =
        KurrentDBClient.create(
            KurrentDBConnectionString.parseOrThrow(watershed.eventStoreConnectionString()));
    try {
      client
          .appendToStream(
              "order-1",
              EventData.builderAsJson(
                      UUID.randomUUID(),
                      "OrderPlaced",
                      "{\"id\":1}".getBytes(StandardCharsets.UTF_8))
                  .build())
          .get();
      List<ResolvedEvent> events =
          client.readStream("order-1", ReadStreamOptions.get().fromStart()).get().getEvents();
      assertThat(events).hasSize(1);
      assertThat(events.get(0).getOriginalEvent().getEventType()).isEqualTo("OrderPlaced");
    } finally {
      client.shutdown().get();
    }
  }

  @Test
  void adminHttpApi(EmbeddedWatershed watershed) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> ready =
          http.send(
              HttpRequest.newBuilder(watershed.httpUri().resolve("ready")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
    }
  }

  @Nested
  class NestedClasses {
    @Test
    void shareTheEnclosingClassNode(EmbeddedWatershed watershed) {
      assertThat(watershed).isSameAs(fromBeforeAll);
      assertThat(watershed.dataDir()).isEqualTo(fromBeforeAll.dataDir()).isInstanceOf(Path.class);
    }
  }
}
