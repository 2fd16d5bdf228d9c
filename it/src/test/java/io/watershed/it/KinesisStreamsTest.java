package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The AWS SDK for Java v2 (sync client, CBOR and JSON) against the server started as a user starts
 * it: create, describe, list, 10,000 records with PutRecords read back from every shard with
 * TRIM_HORIZON and AT_SEQUENCE_NUMBER, errors, delete.
 */
class KinesisStreamsTest {
  static final int RECORDS = 10_000;

  @TempDir Path dir;

  /** The Kinesis port from the server's ports file. */
  static int kinesisPort(Path dataDir) throws Exception {
    Path portsFile = dataDir.resolveSibling(dataDir.getFileName() + "-ports.json");
    JsonNode ports = new ObjectMapper().readTree(portsFile.toFile());
    return ports.get("kinesis").asInt();
  }

  static KinesisClient client(int port, boolean cbor) {
    String key = SdkSystemSetting.CBOR_ENABLED.property();
    String before = System.getProperty(key);
    System.setProperty(key, Boolean.toString(cbor));
    try {
      return KinesisClient.builder()
          .endpointOverride(URI.create("http://127.0.0.1:" + port))
          .region(Region.US_EAST_1)
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
          .httpClientBuilder(ApacheHttpClient.builder())
          .build();
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }

  @ParameterizedTest(name = "cbor={0}")
  @ValueSource(booleans = {true, false})
  void createPutReadEveryRecordDelete(boolean cbor) throws Exception {
    Path data = dir.resolve("data");
    try (WatershedProcess server = new WatershedProcess(data).start();
        KinesisClient kinesis = client(kinesisPort(data), cbor)) {
      String stream = "clicks";
      kinesis.createStream(b -> b.streamName(stream).shardCount(4));
      assertThat(
              kinesis
                  .describeStreamSummary(b -> b.streamName(stream))
                  .streamDescriptionSummary()
                  .streamStatus())
          .isEqualTo(StreamStatus.ACTIVE);
      assertThat(kinesis.listStreams().streamNames()).containsExactly(stream);
      List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
      assertThat(shards).hasSize(4);

      Map<String, List<String>> sequences = new HashMap<>();
      Map<String, String> data1 = new HashMap<>();
      for (int from = 0; from < RECORDS; from += 500) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = from; i < from + 500; i++) {
          entries.add(
              PutRecordsRequestEntry.builder()
                  .partitionKey("user-" + i)
                  .data(SdkBytes.fromUtf8String("event-" + i))
                  .build());
        }
        PutRecordsResponse put = kinesis.putRecords(b -> b.streamName(stream).records(entries));
        assertThat(put.failedRecordCount()).isZero();
        for (int k = 0; k < 500; k++) {
          var r = put.records().get(k);
          sequences.computeIfAbsent(r.shardId(), x -> new ArrayList<>()).add(r.sequenceNumber());
          data1.put(r.sequenceNumber(), "event-" + (from + k));
        }
      }

      int total = 0;
      for (Shard shard : shards) {
        List<String> sent = sequences.getOrDefault(shard.shardId(), List.of());
        List<Record> all =
            read(kinesis, stream, shard.shardId(), ShardIteratorType.TRIM_HORIZON, null);
        assertThat(all).extracting(Record::sequenceNumber).containsExactlyElementsOf(sent);
        for (Record r : all) {
          assertThat(r.data().asUtf8String()).isEqualTo(data1.get(r.sequenceNumber()));
        }
        for (int i = 1; i < sent.size(); i++) {
          assertThat(new BigInteger(sent.get(i))).isGreaterThan(new BigInteger(sent.get(i - 1)));
        }
        if (!sent.isEmpty()) {
          String mid = sent.get(sent.size() / 2);
          assertThat(
                  read(kinesis, stream, shard.shardId(), ShardIteratorType.AT_SEQUENCE_NUMBER, mid))
              .extracting(Record::sequenceNumber)
              .containsExactlyElementsOf(sent.subList(sent.size() / 2, sent.size()));
        }
        total += all.size();
      }
      assertThat(total).isEqualTo(RECORDS);

      assertThatThrownBy(() -> kinesis.describeStream(b -> b.streamName("missing")))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThatThrownBy(() -> kinesis.createStream(b -> b.streamName(stream).shardCount(1)))
          .isInstanceOf(ResourceInUseException.class);
      assertThatThrownBy(() -> kinesis.getRecords(b -> b.shardIterator("garbage")))
          .isInstanceOf(InvalidArgumentException.class);

      kinesis.deleteStream(b -> b.streamName(stream));
      assertThatThrownBy(() -> kinesis.describeStreamSummary(b -> b.streamName(stream)))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThat(server.isAlive()).isTrue();
    }
  }

  static List<Record> read(
      KinesisClient kinesis, String stream, String shardId, ShardIteratorType type, String seq) {
    String iterator =
        kinesis
            .getShardIterator(
                b ->
                    b.streamName(stream)
                        .shardId(shardId)
                        .shardIteratorType(type)
                        .startingSequenceNumber(seq))
            .shardIterator();
    List<Record> out = new ArrayList<>();
    for (int calls = 0; calls < 1000 && iterator != null; calls++) {
      String it = iterator;
      GetRecordsResponse got = kinesis.getRecords(b -> b.shardIterator(it));
      out.addAll(got.records());
      iterator = got.nextShardIterator();
      if (got.records().isEmpty() && got.millisBehindLatest() == 0) {
        break;
      }
    }
    return out;
  }
}
