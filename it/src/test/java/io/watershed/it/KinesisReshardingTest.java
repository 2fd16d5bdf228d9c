package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * SplitShard, MergeShards and UpdateShardCount while a producer writes: the lineage is right
 * (parents closed with an ending sequence number, children with the right ranges and parents), and
 * a reader that reads every parent to its end before its children gets every acknowledged record
 * exactly once and each key's records in the order they were written.
 */
class KinesisReshardingTest {
  static final int KEYS = 50;

  @TempDir Path dir;

  @Test
  void splitAndMergeWhileAProducerWrites() throws Exception {
    try (WatershedProcess server = new WatershedProcess(dir.resolve("data")).start();
        KinesisClient kinesis = KinesisClients.sync(server, true);
        KinesisClient producerClient = KinesisClients.sync(server, true)) {
      String stream = "reshard";
      kinesis.createStream(b -> b.streamName(stream).shardCount(2));

      AtomicBoolean stop = new AtomicBoolean();
      Map<String, List<Integer>> sent = new HashMap<>();
      ExecutorService pool = Executors.newSingleThreadExecutor();
      Future<?> producer =
          pool.submit(
              () -> {
                int n = 0;
                // Bounded: at most 400 batches even if the resharding were slow.
                for (int batch = 0; batch < 400 && (!stop.get() || batch < 20); batch++) {
                  List<PutRecordsRequestEntry> entries = new ArrayList<>();
                  List<String> keys = new ArrayList<>();
                  for (int i = 0; i < 100; i++, n++) {
                    String key = "key-" + (n % KEYS);
                    keys.add(key);
                    entries.add(
                        PutRecordsRequestEntry.builder()
                            .partitionKey(key)
                            .data(SdkBytes.fromUtf8String(Integer.toString(n)))
                            .build());
                  }
                  PutRecordsResponse put =
                      producerClient.putRecords(b -> b.streamName(stream).records(entries));
                  assertThat(put.failedRecordCount()).isZero();
                  for (int i = 0; i < keys.size(); i++) {
                    sent.computeIfAbsent(keys.get(i), k -> new ArrayList<>())
                        .add(Integer.parseInt(entries.get(i).data().asUtf8String()));
                  }
                }
                return null;
              });

      Thread.sleep(300);
      Shard first = kinesis.listShards(b -> b.streamName(stream)).shards().get(0);
      BigInteger mid =
          new BigInteger(first.hashKeyRange().startingHashKey())
              .add(new BigInteger(first.hashKeyRange().endingHashKey()))
              .shiftRight(1);
      kinesis.splitShard(
          b ->
              b.streamName(stream)
                  .shardToSplit(first.shardId())
                  .newStartingHashKey(mid.toString()));
      assertThat(
              kinesis
                  .describeStreamSummary(b -> b.streamName(stream))
                  .streamDescriptionSummary()
                  .streamStatus())
          .isEqualTo(StreamStatus.ACTIVE);
      Thread.sleep(300);
      // Children of the split: shards 2 and 3. Merge 3 with shard 1 (adjacent above it).
      kinesis.mergeShards(
          b ->
              b.streamName(stream)
                  .shardToMerge("shardId-000000000003")
                  .adjacentShardToMerge("shardId-000000000001"));
      Thread.sleep(300);
      var scaled =
          kinesis.updateShardCount(
              b -> b.streamName(stream).targetShardCount(3).scalingType("UNIFORM_SCALING"));
      assertThat(scaled.currentShardCount()).isEqualTo(2);
      assertThat(scaled.targetShardCount()).isEqualTo(3);
      stop.set(true);
      producer.get();
      pool.shutdown();

      List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
      Map<String, Shard> byId = new HashMap<>();
      shards.forEach(s -> byId.put(s.shardId(), s));
      Shard s0 = byId.get("shardId-000000000000");
      Shard s2 = byId.get("shardId-000000000002");
      Shard s3 = byId.get("shardId-000000000003");
      Shard s4 = byId.get("shardId-000000000004");
      assertThat(s0.sequenceNumberRange().endingSequenceNumber()).isNotNull();
      assertThat(s2.parentShardId()).isEqualTo("shardId-000000000000");
      assertThat(s3.parentShardId()).isEqualTo("shardId-000000000000");
      assertThat(s2.hashKeyRange().endingHashKey())
          .isEqualTo(mid.subtract(BigInteger.ONE).toString());
      assertThat(s3.hashKeyRange().startingHashKey()).isEqualTo(mid.toString());
      assertThat(s4.parentShardId()).isEqualTo("shardId-000000000003");
      assertThat(s4.adjacentParentShardId()).isEqualTo("shardId-000000000001");
      assertThat(s4.hashKeyRange().startingHashKey()).isEqualTo(mid.toString());
      List<Shard> open =
          kinesis
              .listShards(
                  b -> b.streamName(stream).shardFilter(f -> f.type(ShardFilterType.AT_LATEST)))
              .shards();
      assertThat(open).hasSize(3);
      for (Shard s : open) {
        assertThat(s.sequenceNumberRange().endingSequenceNumber()).isNull();
      }
      assertThat(open.get(0).hashKeyRange().startingHashKey()).isEqualTo("0");
      assertThat(open.get(2).hashKeyRange().endingHashKey())
          .isEqualTo(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString());

      Map<String, List<Integer>> got = readFollowingLineage(kinesis, stream);
      assertThat(got.keySet()).isEqualTo(sent.keySet());
      for (String key : sent.keySet()) {
        assertThat(got.get(key)).as(key).containsExactlyElementsOf(sent.get(key));
      }
      assertThat(server.isAlive()).isTrue();
    }
  }

  /**
   * Reads the stream as a Kinesis consumer that follows lineage does: starts at the shards without
   * parents, reads each to its end (ChildShards, no NextShardIterator), and starts a child once all
   * its parents are done.
   */
  static Map<String, List<Integer>> readFollowingLineage(KinesisClient kinesis, String stream) {
    List<Shard> roots =
        kinesis
            .listShards(
                b -> b.streamName(stream).shardFilter(f -> f.type(ShardFilterType.AT_TRIM_HORIZON)))
            .shards();
    Map<String, Shard> all = new HashMap<>();
    kinesis.listShards(b -> b.streamName(stream)).shards().forEach(s -> all.put(s.shardId(), s));
    Map<String, List<Integer>> got = new HashMap<>();
    Set<String> done = new HashSet<>();
    ArrayDeque<String> ready = new ArrayDeque<>();
    roots.forEach(s -> ready.add(s.shardId()));
    Set<String> queued = new HashSet<>(ready);
    while (!ready.isEmpty()) {
      String shardId = ready.poll();
      KinesisClients.Read read =
          KinesisClients.readShard(
              kinesis, stream, shardId, ShardIteratorType.TRIM_HORIZON, null, null);
      for (Record r : read.records()) {
        got.computeIfAbsent(r.partitionKey(), k -> new ArrayList<>())
            .add(Integer.parseInt(r.data().asUtf8String()));
      }
      done.add(shardId);
      boolean closed = all.get(shardId).sequenceNumberRange().endingSequenceNumber() != null;
      if (closed) {
        assertThat(read.last().nextShardIterator()).as(shardId).isNull();
        assertThat(read.last().childShards()).as(shardId).isNotEmpty();
      }
      for (ChildShard c :
          read.last().hasChildShards() ? read.last().childShards() : List.<ChildShard>of()) {
        if (!queued.contains(c.shardId()) && done.containsAll(c.parentShards())) {
          queued.add(c.shardId());
          ready.add(c.shardId());
        }
      }
    }
    assertThat(done).containsAll(all.keySet());
    return got;
  }
}
