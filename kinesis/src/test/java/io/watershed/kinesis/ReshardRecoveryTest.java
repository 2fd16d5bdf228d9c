package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.kinesis.catalog.KinesisCatalog;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A split interrupted by a crash in each of its phases is finished at the next start: the children
 * are open with their partitions, the parent is closed at its log end, the stream is ACTIVE, and
 * the records put before the crash are all in the parent.
 */
class ReshardRecoveryTest {
  @TempDir Path dir;

  /** Where the crash left the split, as the catalog and the topic record it. */
  enum Phase {
    CHILDREN_PENDING_NO_PARTITIONS,
    CHILDREN_PENDING_WITH_PARTITIONS,
    PARENT_CLOSING
  }

  @ParameterizedTest
  @EnumSource(Phase.class)
  void anInterruptedSplitIsFinishedAtStart(Phase phase) throws Exception {
    KinesisTestServer server = new KinesisTestServer(dir);
    try (KinesisClient kinesis = server.client(true)) {
      kinesis.createStream(b -> b.streamName("s").shardCount(1));
      for (int i = 0; i < 10; i++) {
        int n = i;
        kinesis.putRecord(
            b -> b.streamName("s").partitionKey("k" + n).data(SdkBytes.fromUtf8String("v" + n)));
      }
    }
    KinesisCatalog catalog = server.door().context().catalog();
    StreamEntry s = catalog.entry("s").orElseThrow();
    BigInteger mid = HashKeys.MAX.shiftRight(1);
    if (phase != Phase.CHILDREN_PENDING_NO_PARTITIONS) {
      server.topics().createPartitions("s", 3).get();
    }
    catalog.put(
        s.with(
            b -> {
              b.status = StreamEntry.UPDATING;
              if (phase == Phase.PARENT_CLOSING) {
                b.shards.set(0, b.shards.get(0).closing(1));
                b.shards.add(ShardEntry.open(1, BigInteger.ZERO, mid, 0, -1, 1));
                b.shards.add(ShardEntry.open(2, mid.add(BigInteger.ONE), HashKeys.MAX, 0, -1, 1));
              } else {
                b.shards.add(ShardEntry.pending(1, BigInteger.ZERO, mid, 0, -1, 1));
                b.shards.add(
                    ShardEntry.pending(2, mid.add(BigInteger.ONE), HashKeys.MAX, 0, -1, 1));
              }
            }));
    server.restart();
    try (KinesisClient kinesis = server.client(true)) {
      assertThat(
              kinesis
                  .describeStreamSummary(b -> b.streamName("s"))
                  .streamDescriptionSummary()
                  .streamStatus())
          .isEqualTo(StreamStatus.ACTIVE);
      List<Shard> shards = kinesis.listShards(b -> b.streamName("s")).shards();
      assertThat(shards).hasSize(3);
      assertThat(shards.get(0).sequenceNumberRange().endingSequenceNumber())
          .isEqualTo(SequenceNumbers.position(0, 10));
      assertThat(shards.get(1).parentShardId()).isEqualTo("shardId-000000000000");
      assertThat(shards.get(2).sequenceNumberRange().endingSequenceNumber()).isNull();
      assertThat(server.topics().describe("s").orElseThrow().partitionCount()).isEqualTo(3);
      var put =
          kinesis.putRecord(
              b -> b.streamName("s").partitionKey("after").data(SdkBytes.fromUtf8String("x")));
      assertThat(put.shardId()).isIn("shardId-000000000001", "shardId-000000000002");
    } finally {
      server.close();
    }
  }
}
