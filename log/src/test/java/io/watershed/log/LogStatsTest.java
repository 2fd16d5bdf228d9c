package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** fsync durations land in the bucket whose bound is the first at or above them. */
class LogStatsTest {
  @Test
  void fsyncDurationsAreCountedPerBucket() {
    LogStats stats = new LogStats();
    long[] bounds = LogStats.fsyncBucketBoundsNanos();
    stats.fsynced(1);
    stats.fsynced(bounds[0]);
    stats.fsynced(bounds[0] + 1);
    stats.fsynced(bounds[bounds.length - 1] + 1);

    long[] buckets = stats.fsyncBuckets();
    assertThat(buckets).hasSize(bounds.length + 1);
    assertThat(buckets[0]).isEqualTo(2);
    assertThat(buckets[1]).isEqualTo(1);
    assertThat(buckets[bounds.length]).isEqualTo(1);
    assertThat(Arrays.stream(buckets).sum()).isEqualTo(stats.fsyncs()).isEqualTo(4);
    assertThat(stats.fsyncNanos())
        .isEqualTo(1 + bounds[0] + bounds[0] + 1 + bounds[bounds.length - 1] + 1);
  }
}
