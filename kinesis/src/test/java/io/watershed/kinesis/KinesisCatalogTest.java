package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.watershed.kinesis.catalog.ConsumerEntry;
import io.watershed.kinesis.catalog.KinesisCatalog;
import io.watershed.kinesis.catalog.ShardEntry;
import io.watershed.kinesis.catalog.StreamEntry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KinesisCatalogTest {
  @TempDir Path dir;

  @Test
  void entriesSurviveReopenAndRangesSplitEvenly() throws IOException {
    KinesisCatalog catalog = KinesisCatalog.open(dir);
    TreeMap<String, String> tags = new TreeMap<>();
    tags.put("team", "data");
    StreamEntry s =
        StreamEntry.create("orders", 3, "PROVISIONED", 24, 1_700_000_000_000L, true)
            .with(
                b -> {
                  b.topicId = UUID.randomUUID();
                  b.status = StreamEntry.ACTIVE;
                  b.tags = tags;
                  b.consumers = List.of(new ConsumerEntry("app", 1_700_000_000_500L, tags));
                });
    catalog.put(s);
    StreamEntry back = KinesisCatalog.open(dir).entry("orders").orElseThrow();
    assertThat(back).isEqualTo(s);
    assertThat(back.shards().get(0).startingHashKey()).isEqualTo(BigInteger.ZERO);
    assertThat(back.shards().get(2).endingHashKey()).isEqualTo(HashKeys.MAX);
    for (int i = 0; i < 2; i++) {
      assertThat(back.shards().get(i).endingHashKey().add(BigInteger.ONE))
          .isEqualTo(back.shards().get(i + 1).startingHashKey());
    }
    catalog.remove("orders");
    assertThat(KinesisCatalog.open(dir).entries()).isEmpty();
  }

  @Test
  void aDamagedFileStopsTheOpen() throws IOException {
    KinesisCatalog.open(dir).put(StreamEntry.create("a", 1, "PROVISIONED", 24, 1, true));
    Path file = dir.resolve("streams.json");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> KinesisCatalog.open(dir)).isInstanceOf(IOException.class);
  }

  @Test
  void shardIdsMapToPartitions() {
    assertThat(ShardEntry.shardId(7)).isEqualTo("shardId-000000000007");
    assertThat(ShardEntry.partitionOf("shardId-000000000007")).isEqualTo(7);
    // Kinesis takes the number after the last '-', whatever the prefix.
    assertThat(ShardEntry.partitionOf("shard-7")).isEqualTo(7);
    assertThat(ShardEntry.partitionOf("shardId-7")).isEqualTo(7);
    assertThat(ShardEntry.partitionOf("a-b-0007")).isEqualTo(7);
    assertThat(ShardEntry.partitionOf("-00002147483647")).isEqualTo(Integer.MAX_VALUE);
    assertThat(ShardEntry.partitionOf("12")).isEqualTo(12);
    assertThat(ShardEntry.partitionOf("shardId-002147483648")).isEqualTo(-1);
    assertThat(ShardEntry.partitionOf("shardId-99999999999999")).isEqualTo(-1);
    assertThat(ShardEntry.partitionOf("ABKLFD8")).isEqualTo(-1);
    assertThat(ShardEntry.partitionOf("2.14E4")).isEqualTo(-1);
    assertThat(ShardEntry.partitionOf("shardId-")).isEqualTo(-1);
  }
}
