package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.CreateStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DeleteStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ListStreamsRequest;
import software.amazon.awssdk.services.kinesis.model.ListStreamsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The AWS SDK for Java v2 against the server started as a user starts it, with each client: the
 * sync client (HTTP/1.1) in CBOR, its default, and in JSON, and the async client (HTTP/2 cleartext
 * with prior knowledge). Each creates, describes and lists streams, puts 10,000 records with
 * PutRecords, reads every one back from every shard with each iterator type, and deletes.
 */
class KinesisStreamsTest {
  static final int RECORDS = 10_000;

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sync-cbor", "sync-json", "async"})
  void createPutReadEveryRecordDelete(String client) throws Exception {
    KinesisClients.ContentTypes sent = new KinesisClients.ContentTypes();
    try (WatershedProcess server = new WatershedProcess(dir.resolve("data")).start()) {
      KinesisClient sync = null;
      KinesisAsyncClient async = null;
      KinesisApi kinesis;
      if (client.equals("async")) {
        async = KinesisClients.async(server, sent);
        kinesis = KinesisApi.of(async);
      } else {
        sync = KinesisClients.sync(server, client.equals("sync-cbor"), KinesisClients.SECRET, sent);
        kinesis = KinesisApi.of(sync);
      }
      try {
        lifecycle(kinesis);
      } finally {
        if (sync != null) {
          sync.close();
        }
        if (async != null) {
          async.close();
        }
      }
      assertThat(sent.seen)
          .containsExactly(
              client.equals("sync-json")
                  ? "application/x-amz-json-1.1"
                  : "application/x-amz-cbor-1.1");
      assertThat(server.isAlive()).isTrue();
    }
  }

  private static void lifecycle(KinesisApi kinesis) {
    String stream = "clicks";
    String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
    kinesis.createStream(CreateStreamRequest.builder().streamName(stream).shardCount(4).build());
    kinesis.createStream(CreateStreamRequest.builder().streamName("other").shardCount(1).build());
    var summary =
        kinesis
            .describeStreamSummary(DescribeStreamSummaryRequest.builder().streamARN(arn).build())
            .streamDescriptionSummary();
    assertThat(summary.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
    assertThat(summary.openShardCount()).isEqualTo(4);
    assertThat(summary.retentionPeriodHours()).isEqualTo(24);

    ListStreamsResponse page = kinesis.listStreams(ListStreamsRequest.builder().limit(1).build());
    assertThat(page.streamNames()).containsExactly("clicks");
    assertThat(page.hasMoreStreams()).isTrue();
    ListStreamsResponse rest =
        kinesis.listStreams(ListStreamsRequest.builder().nextToken(page.nextToken()).build());
    assertThat(rest.streamNames()).containsExactly("other");
    assertThat(rest.streamSummaries())
        .extracting(s -> s.streamARN())
        .containsExactly("arn:aws:kinesis:us-east-1:000000000000:stream/other");

    var described =
        kinesis.describeStream(DescribeStreamRequest.builder().streamName(stream).limit(3).build());
    assertThat(described.streamDescription().shards()).hasSize(3);
    assertThat(described.streamDescription().hasMoreShards()).isTrue();
    ListShardsResponse firstShards =
        kinesis.listShards(ListShardsRequest.builder().streamName(stream).maxResults(2).build());
    ListShardsResponse restShards =
        kinesis.listShards(ListShardsRequest.builder().nextToken(firstShards.nextToken()).build());
    List<Shard> shards = new ArrayList<>(firstShards.shards());
    shards.addAll(restShards.shards());
    assertThat(shards)
        .extracting(Shard::shardId)
        .containsExactly(
            "shardId-000000000000",
            "shardId-000000000001",
            "shardId-000000000002",
            "shardId-000000000003");
    assertThat(restShards.nextToken()).isNull();

    Instant before = Instant.now().minusSeconds(2);
    Map<String, List<String>> sequences = new HashMap<>();
    Map<String, String> dataBySequence = new HashMap<>();
    for (int from = 0; from < RECORDS; from += 500) {
      List<PutRecordsRequestEntry> entries = new ArrayList<>();
      for (int i = from; i < from + 500; i++) {
        entries.add(
            PutRecordsRequestEntry.builder()
                .partitionKey("user-" + i)
                .data(SdkBytes.fromUtf8String("event-" + i))
                .build());
      }
      PutRecordsResponse put =
          kinesis.putRecords(
              PutRecordsRequest.builder().streamName(stream).records(entries).build());
      assertThat(put.failedRecordCount()).isZero();
      for (int k = 0; k < 500; k++) {
        var r = put.records().get(k);
        Shard shard = shardOf(shards, "user-" + (from + k));
        assertThat(r.shardId()).isEqualTo(shard.shardId());
        sequences.computeIfAbsent(r.shardId(), x -> new ArrayList<>()).add(r.sequenceNumber());
        dataBySequence.put(r.sequenceNumber(), "event-" + (from + k));
      }
    }

    int total = 0;
    for (Shard shard : shards) {
      String id = shard.shardId();
      List<String> sent = sequences.get(id);
      assertThat(sent).isNotEmpty();
      List<Record> all = read(kinesis, stream, id, ShardIteratorType.TRIM_HORIZON, null, null);
      assertThat(all).extracting(Record::sequenceNumber).containsExactlyElementsOf(sent);
      for (Record r : all) {
        assertThat(r.data().asUtf8String()).isEqualTo(dataBySequence.get(r.sequenceNumber()));
        assertThat(r.approximateArrivalTimestamp()).isAfter(before);
      }
      for (int i = 1; i < sent.size(); i++) {
        assertThat(new BigInteger(sent.get(i))).isGreaterThan(new BigInteger(sent.get(i - 1)));
      }
      total += all.size();
      String mid = sent.get(sent.size() / 2);
      assertThat(read(kinesis, stream, id, ShardIteratorType.AT_SEQUENCE_NUMBER, mid, null))
          .extracting(Record::sequenceNumber)
          .containsExactlyElementsOf(sent.subList(sent.size() / 2, sent.size()));
      assertThat(read(kinesis, stream, id, ShardIteratorType.AFTER_SEQUENCE_NUMBER, mid, null))
          .extracting(Record::sequenceNumber)
          .containsExactlyElementsOf(sent.subList(sent.size() / 2 + 1, sent.size()));
      assertThat(read(kinesis, stream, id, ShardIteratorType.AT_TIMESTAMP, null, before))
          .extracting(Record::sequenceNumber)
          .containsExactlyElementsOf(sent);
      // A time in the future is refused, as Kinesis refuses it.
      assertThatThrownBy(
              () ->
                  read(
                      kinesis,
                      stream,
                      id,
                      ShardIteratorType.AT_TIMESTAMP,
                      null,
                      Instant.now().plusSeconds(60)))
          .hasStackTraceContaining(
              "The timestampInMillis parameter cannot be greater than the"
                  + " currentTimestampInMillis");

      // LATEST: nothing that was there, then what comes after.
      String latest =
          kinesis.shardIterator(
              GetShardIteratorRequest.builder()
                  .streamName(stream)
                  .shardId(id)
                  .shardIteratorType(ShardIteratorType.LATEST)
                  .build());
      GetRecordsResponse none =
          kinesis.getRecords(GetRecordsRequest.builder().shardIterator(latest).build());
      assertThat(none.records()).isEmpty();
      assertThat(none.millisBehindLatest()).isZero();
      String key = keyFor(shards, shard);
      kinesis.putRecords(
          PutRecordsRequest.builder()
              .streamName(stream)
              .records(
                  PutRecordsRequestEntry.builder()
                      .partitionKey(key)
                      .data(SdkBytes.fromUtf8String("after-latest"))
                      .build())
              .build());
      GetRecordsResponse got =
          kinesis.getRecords(
              GetRecordsRequest.builder().shardIterator(none.nextShardIterator()).build());
      assertThat(got.records())
          .extracting(r -> r.data().asUtf8String())
          .containsExactly("after-latest");
    }
    assertThat(total).isEqualTo(RECORDS);

    kinesis.deleteStream(DeleteStreamRequest.builder().streamName(stream).build());
    kinesis.deleteStream(
        DeleteStreamRequest.builder()
            .streamARN("arn:aws:kinesis:us-east-1:000000000000:stream/other")
            .build());
    assertThatThrownBy(
            () ->
                kinesis.describeStreamSummary(
                    DescribeStreamSummaryRequest.builder().streamName(stream).build()))
        .satisfies(
            e ->
                assertThat(e instanceof CompletionException c ? c.getCause() : e)
                    .isInstanceOf(ResourceNotFoundException.class));
    assertThat(kinesis.listStreams(ListStreamsRequest.builder().build()).streamNames()).isEmpty();
  }

  /** The shard whose hash-key range holds MD5(key). */
  static Shard shardOf(List<Shard> shards, String key) {
    BigInteger hash;
    try {
      hash =
          new BigInteger(
              1,
              java.security.MessageDigest.getInstance("MD5")
                  .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Shard s : shards) {
      if (new BigInteger(s.hashKeyRange().startingHashKey()).compareTo(hash) <= 0
          && new BigInteger(s.hashKeyRange().endingHashKey()).compareTo(hash) >= 0) {
        return s;
      }
    }
    throw new AssertionError("no shard holds " + key);
  }

  /** A partition key that lands on {@code shard}. */
  private static String keyFor(List<Shard> shards, Shard shard) {
    for (int i = 0; ; i++) {
      if (shardOf(shards, "probe-" + i).shardId().equals(shard.shardId())) {
        return "probe-" + i;
      }
    }
  }

  private static List<Record> read(
      KinesisApi kinesis,
      String stream,
      String shardId,
      ShardIteratorType type,
      String sequence,
      Instant timestamp) {
    String iterator =
        kinesis.shardIterator(
            GetShardIteratorRequest.builder()
                .streamName(stream)
                .shardId(shardId)
                .shardIteratorType(type)
                .startingSequenceNumber(sequence)
                .timestamp(timestamp)
                .build());
    List<Record> out = new ArrayList<>();
    for (int calls = 0; calls < 1000 && iterator != null; calls++) {
      GetRecordsResponse got =
          kinesis.getRecords(
              GetRecordsRequest.builder().shardIterator(iterator).limit(700).build());
      out.addAll(got.records());
      iterator = got.nextShardIterator();
      if (got.records().isEmpty() && got.millisBehindLatest() == 0) {
        break;
      }
    }
    return out;
  }
}
