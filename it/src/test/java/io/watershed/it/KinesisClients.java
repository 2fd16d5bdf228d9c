package io.watershed.it;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** Real AWS SDK v2 Kinesis clients configured for a test server. */
final class KinesisClients {
  static final String KEY_ID = "AKIDWATERSHEDTEST";
  static final String SECRET = "watershed-test-secret";

  private KinesisClients() {}

  static int port(WatershedProcess server) throws Exception {
    Path portsFile =
        server.dataDir().resolveSibling(server.dataDir().getFileName() + "-ports.json");
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(portsFile.toFile())
        .get("kinesis")
        .asInt();
  }

  /**
   * The sync client (Apache HTTP, HTTP/1.1) in CBOR, the SDK's default, or JSON. The SDK reads
   * {@code aws.cborEnabled} when a client is built, so it is set just for the build.
   */
  static KinesisClient sync(WatershedProcess server, boolean cbor) throws Exception {
    return sync(server, cbor, SECRET);
  }

  static KinesisClient sync(
      WatershedProcess server, boolean cbor, String secret, ExecutionInterceptor... interceptors)
      throws Exception {
    String key = SdkSystemSetting.CBOR_ENABLED.property();
    String before = System.getProperty(key);
    System.setProperty(key, Boolean.toString(cbor));
    try {
      return KinesisClient.builder()
          .endpointOverride(URI.create("http://127.0.0.1:" + port(server)))
          .region(Region.US_EAST_1)
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, secret)))
          .httpClientBuilder(ApacheHttpClient.builder())
          .overrideConfiguration(
              o -> {
                for (ExecutionInterceptor i : interceptors) {
                  o.addExecutionInterceptor(i);
                }
              })
          .build();
    } finally {
      if (before == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, before);
      }
    }
  }

  /** Records the Content-Type of every request a client sends. */
  static final class ContentTypes implements ExecutionInterceptor {
    final java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes executionAttributes) {
      seen.add(context.httpRequest().firstMatchingHeader("Content-Type").orElse(""));
    }
  }

  /** The async client (Netty): HTTP/2 cleartext with prior knowledge, CBOR. */
  static KinesisAsyncClient async(WatershedProcess server, ExecutionInterceptor... interceptors)
      throws Exception {
    return KinesisAsyncClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port(server)))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, SECRET)))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder())
        .overrideConfiguration(
            o -> {
              for (ExecutionInterceptor i : interceptors) {
                o.addExecutionInterceptor(i);
              }
            })
        .build();
  }

  /** A shard read to its current end (or, for a closed shard, to its very end) with one type. */
  static List<Record> read(
      KinesisClient kinesis,
      String stream,
      String shardId,
      ShardIteratorType type,
      String sequence,
      java.time.Instant timestamp) {
    return readShard(kinesis, stream, shardId, type, sequence, timestamp).records();
  }

  /** Like {@link #read}, with the last GetRecords answer (ChildShards at a closed shard's end). */
  static Read readShard(
      KinesisClient kinesis,
      String stream,
      String shardId,
      ShardIteratorType type,
      String sequence,
      java.time.Instant timestamp) {
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
    return readFrom(kinesis, iterator);
  }

  /** What a shard read from an iterator gave, and where it stopped. */
  record Read(List<Record> records, GetRecordsResponse last) {}

  static Read readFrom(KinesisClient kinesis, String iterator) {
    List<Record> out = new ArrayList<>();
    GetRecordsResponse got = null;
    for (int calls = 0; calls < 10_000 && iterator != null; calls++) {
      String it = iterator;
      got = kinesis.getRecords(b -> b.shardIterator(it));
      out.addAll(got.records());
      iterator = got.nextShardIterator();
      if (got.records().isEmpty() && got.millisBehindLatest() == 0) {
        break;
      }
    }
    return new Read(out, got);
  }
}
