package io.watershed.kinesis;

import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.metrics.RequestObserver;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * A Kinesis front door on an ephemeral loopback port over a fresh data directory, in-process, with
 * a clock tests can move forward, and real SDK clients pointed at it.
 */
final class KinesisTestServer implements AutoCloseable {
  private final Path dataDir;
  private final KinesisConfig config;
  private final RequestObserver observer;
  private final AtomicLong skew = new AtomicLong();
  private TopicStore topics;
  private CoordinatorRuntime coordinators;
  private KinesisFrontDoor door;

  KinesisTestServer(Path dataDir) throws Exception {
    this(dataDir, KinesisConfig.defaults("127.0.0.1", 0));
  }

  KinesisTestServer(Path dataDir, KinesisConfig config) throws Exception {
    this(dataDir, config, RequestObserver.NONE);
  }

  /** With {@code observer} told about every answered request. */
  KinesisTestServer(Path dataDir, KinesisConfig config, RequestObserver observer) throws Exception {
    this.dataDir = dataDir;
    this.config = config;
    this.observer = observer;
    start();
  }

  void start() throws Exception {
    topics = TopicStore.open(dataDir, LogManagerConfig.defaults(dataDir));
    coordinators = CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS);
    door =
        new KinesisFrontDoor(
            config, topics, coordinators, dataDir, () -> System.currentTimeMillis() + skew.get());
    door.observeRequests(observer);
    door.start();
  }

  /** Closes and reopens everything over the same data directory. */
  void restart() throws Exception {
    close();
    start();
  }

  /** Moves the door's clock forward. */
  void advanceClock(long millis) {
    skew.addAndGet(millis);
  }

  TopicStore topics() {
    return topics;
  }

  KinesisFrontDoor door() {
    return door;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + door.port());
  }

  /** The sync client (Apache HTTP, HTTP/1.1), in CBOR (the SDK default) or JSON. */
  KinesisClient client(boolean cbor) {
    return client(cbor, "secret");
  }

  /** The sync client signing with access key AKIDTEST and {@code secret}. */
  KinesisClient client(boolean cbor, String secret) {
    String key = SdkSystemSetting.CBOR_ENABLED.property();
    String before = System.getProperty(key);
    System.setProperty(key, Boolean.toString(cbor));
    try {
      return KinesisClient.builder()
          .endpointOverride(endpoint())
          .region(Region.US_EAST_1)
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", secret)))
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

  /** The sync client in CBOR that never retries, so that throttling reaches the test. */
  KinesisClient clientWithoutRetries() {
    return KinesisClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  /** The async client (Netty, HTTP/2 cleartext with prior knowledge), CBOR. */
  KinesisAsyncClient asyncClient() {
    return KinesisAsyncClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder())
        .build();
  }

  @Override
  public void close() throws java.io.IOException {
    door.close();
    coordinators.close();
    topics.close();
  }
}
