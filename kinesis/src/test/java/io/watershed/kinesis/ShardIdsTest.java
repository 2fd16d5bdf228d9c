package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.kinesis.catalog.ShardEntry;
import org.junit.jupiter.api.Test;

class ShardIdsTest {
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
