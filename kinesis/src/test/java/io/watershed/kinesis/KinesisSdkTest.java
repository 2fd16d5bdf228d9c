package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.log.LogSlice;
import io.watershed.log.PartitionLog;
import io.watershed.log.format.Record;
import io.watershed.log.format.RecordLayout;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamResponse;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ListStreamsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;
import software.amazon.awssdk.services.kinesis.model.ValidationException;

/**
 * The real AWS SDK v2 against a {@link KinesisFrontDoor} started in-process on a temp directory:
 * the sync client in CBOR (its default) and in JSON, and the async client over h2c.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KinesisSdkTest {
  static final int RECORDS = 10_000;

  @TempDir static Path dir;
  KinesisTestServer server;

  @BeforeAll
  void start() throws Exception {
    server = new KinesisTestServer(dir);
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  @ParameterizedTest(name = "cbor={0}")
  @ValueSource(booleans = {true, false})
  void createPutReadEveryRecordDelete(boolean cbor) throws Exception {
    BodyEncoding encoding = cbor ? BodyEncoding.CBOR : BodyEncoding.JSON;
    long requestsBefore = server.door().dispatcher().requestCount(encoding);
    String stream = "orders-" + (cbor ? "cbor" : "json");
    try (KinesisClient kinesis = server.client(cbor)) {
      kinesis.createStream(b -> b.streamName(stream).shardCount(4));
      var summary = kinesis.describeStreamSummary(b -> b.streamName(stream));
      assertThat(summary.streamDescriptionSummary().streamStatus()).isEqualTo(StreamStatus.ACTIVE);
      assertThat(summary.streamDescriptionSummary().openShardCount()).isEqualTo(4);
      assertThat(summary.streamDescriptionSummary().streamARN())
          .isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/" + stream);
      assertThat(summary.streamDescriptionSummary().streamCreationTimestamp())
          .isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));

      DescribeStreamResponse described = kinesis.describeStream(b -> b.streamName(stream));
      List<Shard> shards = described.streamDescription().shards();
      assertThat(shards)
          .extracting(Shard::shardId)
          .containsExactly(
              "shardId-000000000000",
              "shardId-000000000001",
              "shardId-000000000002",
              "shardId-000000000003");
      assertThat(shards.get(0).hashKeyRange().startingHashKey()).isEqualTo("0");
      assertThat(shards.get(3).hashKeyRange().endingHashKey())
          .isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString());
      for (int i = 0; i < 3; i++) {
        assertThat(new BigInteger(shards.get(i).hashKeyRange().endingHashKey()).add(BigInteger.ONE))
            .isEqualTo(new BigInteger(shards.get(i + 1).hashKeyRange().startingHashKey()));
      }
      // Pagination of DescribeStream and ListShards.
      DescribeStreamResponse page =
          kinesis.describeStream(
              b -> b.streamName(stream).limit(2).exclusiveStartShardId("shardId-000000000000"));
      assertThat(page.streamDescription().shards())
          .extracting(Shard::shardId)
          .containsExactly("shardId-000000000001", "shardId-000000000002");
      assertThat(page.streamDescription().hasMoreShards()).isTrue();
      ListShardsResponse firstShards = kinesis.listShards(b -> b.streamName(stream).maxResults(3));
      assertThat(firstShards.shards()).hasSize(3);
      ListShardsResponse restShards = kinesis.listShards(b -> b.nextToken(firstShards.nextToken()));
      assertThat(restShards.shards())
          .extracting(Shard::shardId)
          .containsExactly("shardId-000000000003");
      assertThat(restShards.nextToken()).isNull();
      // The ARN works wherever a name does.
      assertThat(
              kinesis
                  .listShards(
                      b -> b.streamARN("arn:aws:kinesis:us-east-1:000000000000:stream/" + stream))
                  .shards())
          .hasSize(4);

      ListStreamsResponse listed = kinesis.listStreams();
      assertThat(listed.streamNames()).contains(stream);
      assertThat(listed.streamSummaries())
          .anySatisfy(s -> assertThat(s.streamName()).isEqualTo(stream));

      // PutRecords: 10,000 records, 500 at a time.
      Instant before = Instant.now().minusSeconds(1);
      Map<String, List<String>> sentByShard = new HashMap<>();
      Map<String, String> dataBySequence = new HashMap<>();
      for (int from = 0; from < RECORDS; from += 500) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          entries.add(
              PutRecordsRequestEntry.builder()
                  .partitionKey("key-" + (i % 997))
                  .data(SdkBytes.fromUtf8String("value-" + i))
                  .build());
        }
        PutRecordsResponse put = kinesis.putRecords(b -> b.streamName(stream).records(entries));
        assertThat(put.failedRecordCount()).isZero();
        assertThat(put.records()).hasSize(500);
        for (int k = 0; k < 500; k++) {
          PutRecordsResultEntry r = put.records().get(k);
          sentByShard.computeIfAbsent(r.shardId(), x -> new ArrayList<>()).add(r.sequenceNumber());
          dataBySequence.put(r.shardId() + "/" + r.sequenceNumber(), "value-" + (from + k));
        }
      }
      assertThat(sentByShard).hasSize(4);

      // Every record back from every shard, with TRIM_HORIZON, AT_SEQUENCE_NUMBER and AT_TIMESTAMP.
      int total = 0;
      for (Shard shard : shards) {
        String id = shard.shardId();
        List<String> sent = sentByShard.get(id);
        List<software.amazon.awssdk.services.kinesis.model.Record> all =
            readAll(kinesis, stream, id, ShardIteratorType.TRIM_HORIZON, null, null);
        assertThat(all).extracting(r -> r.sequenceNumber()).containsExactlyElementsOf(sent);
        for (var r : all) {
          assertThat(r.data().asUtf8String())
              .isEqualTo(dataBySequence.get(id + "/" + r.sequenceNumber()));
          assertThat(r.approximateArrivalTimestamp()).isAfter(before);
          assertThat(shard.hashKeyRange().startingHashKey()).isNotNull();
        }
        for (int i = 1; i < sent.size(); i++) {
          assertThat(new BigInteger(sent.get(i))).isGreaterThan(new BigInteger(sent.get(i - 1)));
        }
        total += all.size();

        String middle = sent.get(sent.size() / 2);
        List<software.amazon.awssdk.services.kinesis.model.Record> fromMiddle =
            readAll(kinesis, stream, id, ShardIteratorType.AT_SEQUENCE_NUMBER, middle, null);
        assertThat(fromMiddle)
            .extracting(r -> r.sequenceNumber())
            .containsExactlyElementsOf(sent.subList(sent.size() / 2, sent.size()));
        List<software.amazon.awssdk.services.kinesis.model.Record> afterMiddle =
            readAll(kinesis, stream, id, ShardIteratorType.AFTER_SEQUENCE_NUMBER, middle, null);
        assertThat(afterMiddle).hasSize(sent.size() - sent.size() / 2 - 1);
        assertThat(readAll(kinesis, stream, id, ShardIteratorType.AT_TIMESTAMP, null, before))
            .hasSize(sent.size());
        assertThat(readAll(kinesis, stream, id, ShardIteratorType.LATEST, null, null)).isEmpty();
      }
      assertThat(total).isEqualTo(RECORDS);

      // A Kafka consumer would see partition key = record key and data = value.
      PartitionLog log = server.topics().partition(stream, 0).orElseThrow();
      try (LogSlice slice = log.read(0, 1 << 20)) {
        Record first = RecordLayout.readRecords(slice.readWholeBatches(), 0).getFirst();
        assertThat(new String(first.keyBytes(), StandardCharsets.UTF_8)).startsWith("key-");
        assertThat(new String(first.valueBytes(), StandardCharsets.UTF_8)).startsWith("value-");
      }

      // PutRecord with an ExplicitHashKey lands on the shard holding it.
      PutRecordResponse last =
          kinesis.putRecord(
              b ->
                  b.streamName(stream)
                      .partitionKey("any")
                      .explicitHashKey(HashKeys.MAX.toString())
                      .data(SdkBytes.fromUtf8String("last")));
      assertThat(last.shardId()).isEqualTo("shardId-000000000003");

      kinesis.deleteStream(b -> b.streamName(stream));
      assertThatThrownBy(() -> kinesis.describeStream(b -> b.streamName(stream)))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThat(kinesis.listStreams().streamNames()).doesNotContain(stream);
    }
    assertThat(server.door().dispatcher().requestCount(encoding))
        .isGreaterThan(requestsBefore + 40);
  }

  private static List<software.amazon.awssdk.services.kinesis.model.Record> readAll(
      KinesisClient kinesis,
      String stream,
      String shardId,
      ShardIteratorType type,
      String sequence,
      Instant timestamp) {
    String iterator =
        kinesis
            .getShardIterator(
                b ->
                    b.streamName(stream)
                        .shardId(shardId)
                        .shardIteratorType(type)
                        .startingSequenceNumber(sequence)
                        .timestamp(timestamp))
            .shardIterator();
    List<software.amazon.awssdk.services.kinesis.model.Record> out = new ArrayList<>();
    for (int calls = 0; calls < 1000; calls++) {
      String it = iterator;
      GetRecordsResponse got = kinesis.getRecords(b -> b.shardIterator(it).limit(1000));
      out.addAll(got.records());
      iterator = got.nextShardIterator();
      if (got.records().isEmpty() && got.millisBehindLatest() == 0) {
        break;
      }
    }
    return out;
  }

  @ParameterizedTest(name = "cbor={0}")
  @ValueSource(booleans = {true, false})
  void errorsAreTheOnesTheSdkModels(boolean cbor) {
    String stream = "errors-" + (cbor ? "cbor" : "json");
    try (KinesisClient kinesis = server.client(cbor)) {
      assertThatThrownBy(() -> kinesis.describeStream(b -> b.streamName("no-such-stream")))
          .isInstanceOf(ResourceNotFoundException.class)
          .hasMessageContaining("Stream no-such-stream under account 000000000000 not found.");
      assertThatThrownBy(
              () ->
                  kinesis.putRecord(
                      b ->
                          b.streamName("no-such-stream")
                              .partitionKey("k")
                              .data(SdkBytes.fromUtf8String("v"))))
          .isInstanceOf(ResourceNotFoundException.class);
      kinesis.createStream(b -> b.streamName(stream).shardCount(1));
      assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName(stream).shardCount(1)))
          .isInstanceOf(ResourceInUseException.class);
      assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName("zero").shardCount(0)))
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName("bad name!").shardCount(1)))
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(
              () ->
                  kinesis.putRecord(
                      b ->
                          b.streamName(stream)
                              .partitionKey("k")
                              .data(SdkBytes.fromByteArray(new byte[1024 * 1024 + 1]))))
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(
              () ->
                  kinesis.putRecord(
                      b ->
                          b.streamName(stream)
                              .partitionKey("k")
                              .explicitHashKey("-1")
                              .data(SdkBytes.fromUtf8String("v"))))
          .isInstanceOf(ValidationException.class);
      assertThatThrownBy(
              () ->
                  kinesis.putRecord(
                      b ->
                          b.streamName(stream)
                              .partitionKey("k")
                              .explicitHashKey("340282366920938463463374607431768211456")
                              .data(SdkBytes.fromUtf8String("v"))))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator("not-an-iterator")))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(
              () ->
                  kinesis.getShardIterator(
                      b ->
                          b.streamName(stream)
                              .shardId("shardId-000000000009")
                              .shardIteratorType(ShardIteratorType.TRIM_HORIZON)))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThatThrownBy(
              () ->
                  kinesis.getShardIterator(
                      b ->
                          b.streamName(stream)
                              .shardId("shardId-000000000000")
                              .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                              .startingSequenceNumber("12345")))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> kinesis.listShards(b -> b.streamName(stream).nextToken("x")))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator("x").limit(10_001)))
          .isInstanceOf(KinesisException.class)
          .satisfies(
              e ->
                  assertThat(((KinesisException) e).awsErrorDetails().errorCode())
                      .isIn("ValidationException", "InvalidArgumentException"));

      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId("shardId-000000000000")
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      server.advanceClock(301_000);
      try {
        assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator(iterator)))
            .isInstanceOf(ExpiredIteratorException.class);
      } finally {
        server.advanceClock(-301_000);
      }
      kinesis.deleteStream(b -> b.streamName(stream));
    }
  }

  @Test
  void onDemandStreamHasFourShardsAndSurvivesRestart() throws Exception {
    try (KinesisClient kinesis = server.client(true)) {
      kinesis.createStream(
          b ->
              b.streamName("on-demand").streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
      kinesis.putRecord(
          b -> b.streamName("on-demand").partitionKey("k").data(SdkBytes.fromUtf8String("v")));
    }
    server.restart();
    try (KinesisClient kinesis = server.client(true)) {
      var d = kinesis.describeStreamSummary(b -> b.streamName("on-demand"));
      assertThat(d.streamDescriptionSummary().openShardCount()).isEqualTo(4);
      assertThat(d.streamDescriptionSummary().streamModeDetails().streamMode())
          .isEqualTo(StreamMode.ON_DEMAND);
      Set<String> data = new HashSet<>();
      for (Shard s : kinesis.listShards(b -> b.streamName("on-demand")).shards()) {
        readAll(kinesis, "on-demand", s.shardId(), ShardIteratorType.TRIM_HORIZON, null, null)
            .forEach(r -> data.add(r.data().asUtf8String()));
      }
      assertThat(data).containsExactly("v");
      kinesis.deleteStream(b -> b.streamName("on-demand"));
    }
  }

  @Test
  void asyncClientOverH2c() throws Exception {
    try (KinesisAsyncClient kinesis = server.asyncClient()) {
      kinesis.createStream(b -> b.streamName("async").shardCount(2)).get();
      PutRecordResponse put =
          kinesis
              .putRecord(
                  b -> b.streamName("async").partitionKey("k").data(SdkBytes.fromUtf8String("h2")))
              .get();
      assertThat(put.sequenceNumber()).isNotEmpty();
      String it =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName("async")
                          .shardId(put.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .get()
              .shardIterator();
      GetRecordsResponse got = kinesis.getRecords(b -> b.shardIterator(it)).get();
      assertThat(got.records()).extracting(r -> r.data().asUtf8String()).containsExactly("h2");
      kinesis.deleteStream(b -> b.streamName("async")).get();
    }
  }
}
