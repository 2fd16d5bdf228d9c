package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.watershed.log.Tmpfs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * A real full disk under the Kinesis door: the data directory lives on a 16 MiB tmpfs (mounted by
 * the test, which needs root; skipped otherwise) that a filler file fills up. Puts are then refused
 * as AWS refuses them during a temporary failure of the server, with errors clients retry and no
 * Java class names; what was stored before stays readable.
 */
class FullDiskTest {
  @TempDir Path tmp;
  Tmpfs disk;
  Path mount;
  boolean mounted;

  @BeforeEach
  void mountTmpfs() throws Exception {
    disk = Tmpfs.mount(tmp.resolve("tiny"), "16m");
    mount = disk.path();
    mounted = disk.mounted();
  }

  @AfterEach
  void unmount() throws Exception {
    disk.close();
  }

  /** Writes to {@code file} until the disk refuses. */
  private static void fill(Path file) {
    byte[] chunk = new byte[4096];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      // No space left on device: what the test wants.
    }
  }

  @Test
  void aFullDiskRefusesPutsWithRetryableErrorsAndKeepsWhatWasStored() throws Exception {
    assumeThat(mounted).as("mounting a tmpfs needs root").isTrue();
    try (KinesisTestServer server = new KinesisTestServer(mount.resolve("data"));
        KinesisClient kinesis = server.clientWithoutRetries()) {
      kinesis.createStream(b -> b.streamName("full").shardCount(1));
      kinesis.putRecord(
          b -> b.streamName("full").partitionKey("k").data(SdkBytes.fromUtf8String("before")));

      fill(mount.resolve("filler"));
      KinesisException refused = null;
      byte[] data = new byte[8192];
      for (int i = 0; i < 100 && refused == null; i++) {
        try {
          kinesis.putRecord(
              b -> b.streamName("full").partitionKey("k").data(SdkBytes.fromByteArray(data)));
        } catch (KinesisException e) {
          refused = e;
        }
      }
      assertThat(refused).as("a put once the disk is full").isNotNull();
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
      assertThat(refused.awsErrorDetails().errorMessage())
          .contains("shardId-000000000000", "full", "disk", "Retry later")
          .doesNotContain("Exception", "io.watershed", "java.");

      // The shard refuses later writes too (until the server reopens it): per record in
      // PutRecords, with the one non-throttling ErrorCode the API has.
      List<PutRecordsResultEntry> results =
          kinesis
              .putRecords(
                  b ->
                      b.streamName("full")
                          .records(
                              PutRecordsRequestEntry.builder()
                                  .partitionKey("a")
                                  .data(SdkBytes.fromUtf8String("1"))
                                  .build(),
                              PutRecordsRequestEntry.builder()
                                  .partitionKey("b")
                                  .data(SdkBytes.fromUtf8String("2"))
                                  .build()))
              .records();
      assertThat(results)
          .allSatisfy(
              r -> {
                assertThat(r.errorCode()).isEqualTo("InternalFailure");
                assertThat(r.errorMessage()).contains("disk").doesNotContain("Exception");
              });
      assertThatThrownBy(
              () ->
                  kinesis.putRecord(
                      b ->
                          b.streamName("full")
                              .partitionKey("k")
                              .data(SdkBytes.fromUtf8String("x"))))
          .isInstanceOf(KinesisException.class)
          .satisfies(e -> assertThat(((KinesisException) e).statusCode()).isEqualTo(503));

      // Reads go on: the record stored before the disk filled up is there.
      String iterator =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName("full")
                          .shardId("shardId-000000000000")
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      List<String> read = new ArrayList<>();
      kinesis
          .getRecords(b -> b.shardIterator(iterator))
          .records()
          .forEach(r -> read.add(r.data().asUtf8String()));
      assertThat(read).first().isEqualTo("before");
      assertThat(kinesis.listStreams().streamNames()).containsExactly("full");

      // A client with the SDK's default retry strategy tries again before giving up.
      AtomicInteger attempts = new AtomicInteger();
      ExecutionInterceptor counter =
          new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(
                Context.BeforeTransmission context, ExecutionAttributes attributes) {
              attempts.incrementAndGet();
            }
          };
      try (KinesisClient retrying =
          KinesisClient.builder()
              .endpointOverride(server.endpoint())
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
              .httpClientBuilder(ApacheHttpClient.builder())
              .overrideConfiguration(o -> o.addExecutionInterceptor(counter))
              .build()) {
        assertThatThrownBy(
                () ->
                    retrying.putRecord(
                        b ->
                            b.streamName("full")
                                .partitionKey("k")
                                .data(SdkBytes.fromUtf8String("x"))))
            .isInstanceOf(KinesisException.class);
      }
      assertThat(attempts.get()).as("attempts of one PutRecord").isGreaterThan(1);
      Files.delete(mount.resolve("filler")); // so that the server can write its snapshot on close
    }
  }
}
