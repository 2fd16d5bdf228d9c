package io.watershed.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.watershed.core.metadata.TopicMetadata;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogStats;
import io.watershed.log.PartitionLog;
import io.watershed.log.PartitionTraffic;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The log engine's figures, read at scrape time from counters the engine keeps anyway: per
 * partition records and bytes in and out, log size, segments and offsets; engine-wide appends,
 * writes, fsyncs, their time and a histogram of their durations, segment rolls, deletions and
 * compactions, storage failures; partitions refusing writes and damaged ranges; the data
 * directory's free and total space.
 */
final class StorageCollector implements MultiCollector {
  private static final double[] FSYNC_BOUNDS_SECONDS =
      Arrays.stream(LogStats.fsyncBucketBoundsNanos()).mapToDouble(n -> n / 1e9).toArray();

  private final Supplier<TopicStore> topics;

  /**
   * @param topics the topics, or null while storage is not started
   */
  StorageCollector(Supplier<TopicStore> topics) {
    this.topics = topics;
  }

  @Override
  public MetricSnapshots collect() {
    Snapshots s = new Snapshots();
    declare(s);
    TopicStore store = topics.get();
    if (store == null) {
      return new MetricSnapshots(s.build());
    }
    int fenced = 0;
    for (TopicMetadata t : store.list()) {
      for (int p = 0; p < t.partitionCount(); p++) {
        PartitionLog log = store.partition(t.name(), p).orElse(null);
        if (log == null) {
          continue;
        }
        Labels l = Labels.of("topic", t.name(), "partition", Integer.toString(p));
        PartitionTraffic traffic = log.traffic();
        s.counter("watershed_partition_records_in", null, traffic.recordsIn(), l)
            .counter("watershed_partition_bytes_in", null, traffic.bytesIn(), l)
            .counter("watershed_partition_records_out", null, traffic.recordsOut(), l)
            .counter("watershed_partition_bytes_out", null, traffic.bytesOut(), l)
            .gauge("watershed_partition_log_size_bytes", null, log.sizeInBytes(), l)
            .gauge("watershed_partition_log_segments", null, log.segmentCount(), l)
            .gauge("watershed_partition_log_start_offset", null, log.logStartOffset(), l)
            .gauge("watershed_partition_log_end_offset", null, log.logEndOffset(), l)
            .gauge("watershed_partition_fenced", null, log.isFenced() ? 1 : 0, l)
            .gauge("watershed_partition_damaged_ranges", null, log.damages().size(), l);
        fenced += log.isFenced() ? 1 : 0;
      }
    }
    try {
      FileStore disk = Files.getFileStore(store.logs().config().root());
      s.gauge("watershed_storage_free_bytes", null, disk.getUsableSpace(), Labels.EMPTY)
          .gauge("watershed_storage_total_bytes", null, disk.getTotalSpace(), Labels.EMPTY);
    } catch (IOException e) {
      // Left out of this scrape; the health check reports the file system's trouble.
    }
    LogStats e = store.logs().stats();
    Labels none = Labels.EMPTY;
    s.counter("watershed_log_appended_batches", null, e.appendedBatches(), none)
        .counter("watershed_log_appended_records", null, e.appendedRecords(), none)
        .counter("watershed_log_appended_bytes", null, e.appendedBytes(), none)
        .counter("watershed_log_writes", null, e.writes(), none)
        .counter("watershed_log_fsyncs", null, e.fsyncs(), none)
        .counter("watershed_log_fsync_seconds", null, e.fsyncNanos() / 1e9, none)
        .histogram(
            "watershed_log_fsync_duration_seconds",
            "Time of each fsync (fdatasync) of a segment file.",
            FSYNC_BOUNDS_SECONDS,
            e.fsyncBuckets(),
            e.fsyncNanos() / 1e9)
        .counter("watershed_log_segments_rolled", null, e.segmentsRolled(), none)
        .counter("watershed_log_segments_deleted", null, e.segmentsDeleted(), none)
        .counter("watershed_log_segments_compacted", null, e.segmentsCompacted(), none)
        .counter("watershed_log_storage_failures", null, e.storageFailures(), none)
        .counter("watershed_log_recoveries", null, e.recoveries(), none)
        .counter("watershed_log_recovery_segments_scanned", null, e.recoveredSegments(), none)
        .counter("watershed_log_recovery_truncations", null, e.recoveryTruncations(), none)
        .counter("watershed_log_recovery_truncated_bytes", null, e.recoveryTruncatedBytes(), none)
        .counter("watershed_log_recovery_removed_segments", null, e.recoveryRemovedSegments(), none)
        .gauge("watershed_log_fenced_partitions", null, fenced, none)
        .gauge("watershed_topics", null, store.list().size(), none);
    return new MetricSnapshots(s.build());
  }

  private static void declare(Snapshots s) {
    s.declare(
            "watershed_partition_records_in",
            "Records appended to the partition since the server started (every front door).",
            true)
        .declare("watershed_partition_bytes_in", "Bytes of record batches appended.", true)
        .declare(
            "watershed_partition_records_out",
            "Records delivered to Kafka consumers (fetches) and through the admin API.",
            true)
        .declare("watershed_partition_bytes_out", "Bytes of record batches delivered.", true)
        .declare("watershed_partition_log_size_bytes", "Bytes of the partition's segments.", false)
        .declare("watershed_partition_log_segments", "Segment files of the partition.", false)
        .declare("watershed_partition_log_start_offset", "The first readable offset.", false)
        .declare("watershed_partition_log_end_offset", "The offset of the next record.", false)
        .declare(
            "watershed_partition_fenced",
            "1 while the partition refuses writes (a failed write on a full disk until it takes"
                + " writes again, a failed fsync until restart, a damaged tail until repaired).",
            false)
        .declare(
            "watershed_partition_damaged_ranges",
            "Damaged ranges found in the partition's segment files; fenced until repaired.",
            false)
        .declare(
            "watershed_storage_free_bytes",
            "Bytes free for the server in the data directory's file system.",
            false)
        .declare(
            "watershed_storage_total_bytes", "Size of the data directory's file system.", false)
        .declare("watershed_log_fenced_partitions", "Partitions refusing writes now.", false)
        .declare(
            "watershed_log_recoveries",
            "Partitions recovered at start after an unclean stop (their tail scanned with CRC"
                + " checks).",
            true)
        .declare(
            "watershed_log_recovery_segments_scanned",
            "Segment files scanned with CRC checks by recovery.",
            true)
        .declare(
            "watershed_log_recovery_truncations",
            "Torn tails cut off by recovery: written after the recovery point, never acknowledged"
                + " as durable. Damage anywhere else is fenced, never cut.",
            true)
        .declare("watershed_log_recovery_truncated_bytes", "Bytes of the torn tails cut off.", true)
        .declare(
            "watershed_log_recovery_removed_segments",
            "Empty segment files after a cut tail removed by recovery.",
            true)
        .declare("watershed_log_appended_batches", "Batches appended, all partitions.", true)
        .declare("watershed_log_appended_records", "Records appended, all partitions.", true)
        .declare("watershed_log_appended_bytes", "Bytes appended, all partitions.", true)
        .declare("watershed_log_writes", "Write system calls of the partition writers.", true)
        .declare("watershed_log_fsyncs", "fsync (fdatasync) calls on segment files.", true)
        .declare(
            "watershed_log_fsync_seconds",
            "Time spent in fsync (the _sum of watershed_log_fsync_duration_seconds).",
            true)
        .declare("watershed_log_segments_rolled", "Segments rolled.", true)
        .declare("watershed_log_segments_deleted", "Segments deleted by retention.", true)
        .declare("watershed_log_segments_compacted", "Segments rewritten by compaction.", true)
        .declare(
            "watershed_log_storage_failures",
            "Failed writes or fsyncs; each fences a partition for writes.",
            true)
        .declare("watershed_topics", "Topics, internal ones included.", false);
  }
}
