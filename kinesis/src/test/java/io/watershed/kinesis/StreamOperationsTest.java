package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.core.metadata.TopicMetadata;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.EncryptionType;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.MetricsName;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamMode;
import software.amazon.awssdk.services.kinesis.model.Tag;

/**
 * Retention, tags, encryption, monitoring, limits and consumers with the real SDK, in CBOR and
 * JSON.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamOperationsTest {
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
  void settingsTagsAndConsumers(boolean cbor) throws Exception {
    String stream = "settings-" + cbor;
    String arn = "arn:aws:kinesis:us-east-1:000000000000:stream/" + stream;
    try (KinesisClient kinesis = server.client(cbor)) {
      kinesis.createStream(b -> b.streamName(stream).shardCount(1).tags(Map.of("team", "data")));

      // Retention: honoured by the topic's retention.ms.
      kinesis.increaseStreamRetentionPeriod(b -> b.streamName(stream).retentionPeriodHours(48));
      assertThat(retentionMs(stream)).isEqualTo(48 * 3_600_000L);
      assertThat(
              kinesis
                  .describeStreamSummary(b -> b.streamARN(arn))
                  .streamDescriptionSummary()
                  .retentionPeriodHours())
          .isEqualTo(48);
      assertThatThrownBy(
              () ->
                  kinesis.increaseStreamRetentionPeriod(
                      b -> b.streamName(stream).retentionPeriodHours(24)))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("can not be shorter than existing retention period (48 hours)");
      assertThatThrownBy(
              () ->
                  kinesis.increaseStreamRetentionPeriod(
                      b -> b.streamName(stream).retentionPeriodHours(8761)))
          .isInstanceOf(InvalidArgumentException.class);
      assertThatThrownBy(
              () ->
                  kinesis.decreaseStreamRetentionPeriod(
                      b -> b.streamName(stream).retentionPeriodHours(23)))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("Minimum allowed retention period is 24 hours");
      kinesis.decreaseStreamRetentionPeriod(b -> b.streamName(stream).retentionPeriodHours(24));
      assertThat(retentionMs(stream)).isEqualTo(24 * 3_600_000L);
      kinesis.increaseStreamRetentionPeriod(b -> b.streamName(stream).retentionPeriodHours(8760));
      assertThat(retentionMs(stream)).isEqualTo(8760 * 3_600_000L);

      // Tags, both families.
      kinesis.addTagsToStream(b -> b.streamName(stream).tags(Map.of("env", "test", "a", "1")));
      var page = kinesis.listTagsForStream(b -> b.streamName(stream).limit(2));
      assertThat(page.tags()).extracting(Tag::key).containsExactly("a", "env");
      assertThat(page.hasMoreTags()).isTrue();
      var rest = kinesis.listTagsForStream(b -> b.streamName(stream).exclusiveStartTagKey("env"));
      assertThat(rest.tags()).extracting(Tag::key).containsExactly("team");
      kinesis.removeTagsFromStream(b -> b.streamName(stream).tagKeys("a"));
      kinesis.tagResource(b -> b.resourceARN(arn).tags(Map.of("owner", "me")));
      kinesis.untagResource(b -> b.resourceARN(arn).tagKeys("env"));
      assertThat(kinesis.listTagsForResource(b -> b.resourceARN(arn)).tags())
          .extracting(Tag::key)
          .containsExactly("owner", "team");
      assertThatThrownBy(
              () -> kinesis.addTagsToStream(b -> b.streamName(stream).tags(manyTags(50))))
          .isInstanceOf(InvalidArgumentException.class);

      // Encryption and monitoring are kept and reported.
      kinesis.startStreamEncryption(
          b -> b.streamName(stream).encryptionType(EncryptionType.KMS).keyId("alias/aws/kinesis"));
      var d = kinesis.describeStream(b -> b.streamName(stream)).streamDescription();
      assertThat(d.encryptionType()).isEqualTo(EncryptionType.KMS);
      assertThat(d.keyId()).isEqualTo("alias/aws/kinesis");
      kinesis.stopStreamEncryption(
          b -> b.streamName(stream).encryptionType(EncryptionType.KMS).keyId("alias/aws/kinesis"));
      var enabled =
          kinesis.enableEnhancedMonitoring(
              b -> b.streamName(stream).shardLevelMetrics(MetricsName.INCOMING_BYTES));
      assertThat(enabled.desiredShardLevelMetrics()).containsExactly(MetricsName.INCOMING_BYTES);
      var disabled =
          kinesis.disableEnhancedMonitoring(
              b -> b.streamName(stream).shardLevelMetrics(MetricsName.ALL));
      assertThat(disabled.currentShardLevelMetrics()).containsExactly(MetricsName.INCOMING_BYTES);
      assertThat(disabled.desiredShardLevelMetrics()).isEmpty();

      var limits = kinesis.describeLimits();
      assertThat(limits.shardLimit()).isEqualTo(1000);
      assertThat(limits.openShardCount()).isGreaterThanOrEqualTo(1);

      // Consumers.
      Consumer c =
          kinesis.registerStreamConsumer(b -> b.streamARN(arn).consumerName("app")).consumer();
      assertThat(c.consumerStatus()).isEqualTo(ConsumerStatus.ACTIVE);
      assertThat(c.consumerARN()).startsWith(arn + "/consumer/app:");
      assertThatThrownBy(
              () -> kinesis.registerStreamConsumer(b -> b.streamARN(arn).consumerName("app")))
          .isInstanceOf(ResourceInUseException.class);
      kinesis.registerStreamConsumer(b -> b.streamARN(arn).consumerName("other"));
      var listed = kinesis.listStreamConsumers(b -> b.streamARN(arn).maxResults(1));
      assertThat(listed.consumers()).extracting(Consumer::consumerName).containsExactly("app");
      assertThat(
              kinesis
                  .listStreamConsumers(b -> b.streamARN(arn).nextToken(listed.nextToken()))
                  .consumers())
          .extracting(Consumer::consumerName)
          .containsExactly("other");
      var described =
          kinesis.describeStreamConsumer(b -> b.consumerARN(c.consumerARN())).consumerDescription();
      assertThat(described.streamARN()).isEqualTo(arn);
      assertThat(described.consumerName()).isEqualTo("app");
      kinesis.tagResource(b -> b.resourceARN(c.consumerARN()).tags(Map.of("k", "v")));
      assertThat(kinesis.listTagsForResource(b -> b.resourceARN(c.consumerARN())).tags())
          .extracting(Tag::key)
          .containsExactly("k");
      assertThat(
              kinesis
                  .describeStreamSummary(b -> b.streamName(stream))
                  .streamDescriptionSummary()
                  .consumerCount())
          .isEqualTo(2);
      kinesis.deregisterStreamConsumer(b -> b.streamARN(arn).consumerName("other"));
      assertThatThrownBy(
              () -> kinesis.describeStreamConsumer(b -> b.streamARN(arn).consumerName("other")))
          .isInstanceOf(ResourceNotFoundException.class);
      for (int i = 1; i < 20; i++) {
        int n = i;
        kinesis.registerStreamConsumer(b -> b.streamARN(arn).consumerName("c" + n));
      }
      assertThatThrownBy(
              () -> kinesis.registerStreamConsumer(b -> b.streamARN(arn).consumerName("c21")))
          .isInstanceOf(LimitExceededException.class);

      assertThatThrownBy(() -> kinesis.deleteStream(b -> b.streamName(stream)))
          .isInstanceOf(ResourceInUseException.class);
      kinesis.deleteStream(b -> b.streamName(stream).enforceConsumerDeletion(true));
      assertThatThrownBy(() -> kinesis.describeStreamConsumer(b -> b.consumerARN(c.consumerARN())))
          .isInstanceOf(ResourceNotFoundException.class);
    }
  }

  @org.junit.jupiter.api.Test
  void partitionKeysAndOnDemandStreamsHaveLimits(@TempDir Path own) throws Exception {
    KinesisConfig d = KinesisConfig.defaults("127.0.0.1", 0);
    KinesisConfig twoOnDemand =
        new KinesisConfig(
            d.bindHost(),
            d.port(),
            d.maxRequestBytes(),
            d.region(),
            d.accountId(),
            d.shardLimit(),
            2,
            d.iteratorLifetimeMs(),
            d.subscriptionLifetimeMs(),
            null,
            null,
            false);
    try (KinesisTestServer limited = new KinesisTestServer(own, twoOnDemand);
        KinesisClient kinesis = limited.client(true)) {
      for (String name : new String[] {"od-1", "od-2"}) {
        kinesis.createStream(
            b -> b.streamName(name).streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND)));
      }
      assertThatThrownBy(
              () ->
                  kinesis.createStream(
                      b ->
                          b.streamName("od-3")
                              .streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND))))
          .isInstanceOf(LimitExceededException.class);
      assertThat(kinesis.describeLimits().onDemandStreamCountLimit()).isEqualTo(2);
      assertThat(kinesis.describeLimits().onDemandStreamCount()).isEqualTo(2);
      kinesis.putRecord(
          b ->
              b.streamName("od-1")
                  .partitionKey("k".repeat(256))
                  .data(software.amazon.awssdk.core.SdkBytes.fromUtf8String("v")));
      assertThatThrownBy(
              () ->
                  kinesis.putRecord(
                      b ->
                          b.streamName("od-1")
                              .partitionKey("k".repeat(257))
                              .data(software.amazon.awssdk.core.SdkBytes.fromUtf8String("v"))))
          .isInstanceOf(software.amazon.awssdk.services.kinesis.model.ValidationException.class);
    }
  }

  private static Map<String, String> manyTags(int n) {
    Map<String, String> tags = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) {
      tags.put("k" + i, "v");
    }
    return tags;
  }

  private long retentionMs(String stream) {
    TopicMetadata t = server.topics().describe(stream).orElseThrow();
    return server.topics().effectiveConfig(t).retentionMs();
  }
}
