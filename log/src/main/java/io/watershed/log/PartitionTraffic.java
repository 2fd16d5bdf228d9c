package io.watershed.log;

import java.util.concurrent.atomic.LongAdder;

/**
 * What went into and out of one partition since it was opened in this process, for metrics: records
 * and bytes appended (counted by the partition's writer) and records and bytes delivered to readers
 * (counted by whoever sends them: a front door knows what it sent, the engine only hands out
 * slices). Cheap to update from any thread; counters are never reset.
 */
public final class PartitionTraffic {
  private final LongAdder recordsIn = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder recordsOut = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();

  void appended(long records, long bytes) {
    recordsIn.add(records);
    bytesIn.add(bytes);
  }

  /** Tells that {@code records} records in {@code bytes} bytes of batches were sent to a reader. */
  public void delivered(long records, long bytes) {
    recordsOut.add(records);
    bytesOut.add(bytes);
  }

  /** Records appended (retried duplicates not counted). */
  public long recordsIn() {
    return recordsIn.sum();
  }

  /** Bytes of batches written. */
  public long bytesIn() {
    return bytesIn.sum();
  }

  public long recordsOut() {
    return recordsOut.sum();
  }

  public long bytesOut() {
    return bytesOut.sum();
  }
}
