package io.watershed.kinesis;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Kinesis's per-shard throughput limits, emulated when {@link KinesisConfig#emulateLimits()} is on
 * (off by default): in, 1 MiB/s or 1,000 records/s; out, 2 MiB/s or five GetRecords calls/s. Each
 * is a token bucket holding one second's worth and refilled continuously. A GetRecords that reads
 * more than the bucket holds drives it below zero, so later calls are refused until it refills (as
 * Kinesis refuses calls for a few seconds after a 10 MiB read). Thread-safe.
 */
public final class ThroughputLimits {
  public static final long IN_BYTES_PER_SECOND = 1024 * 1024;
  public static final long IN_RECORDS_PER_SECOND = 1000;
  public static final long OUT_BYTES_PER_SECOND = 2 * 1024 * 1024;
  public static final long GET_CALLS_PER_SECOND = 5;

  private final boolean enabled;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Shard> shards = new ConcurrentHashMap<>();

  public ThroughputLimits(boolean enabled, LongSupplier clock) {
    this.enabled = enabled;
    this.clock = clock;
  }

  /** One token bucket: {@code perSecond} tokens a second, holding at most one second's worth. */
  private static final class Bucket {
    private final long perSecond;
    private double tokens;
    private long at;

    Bucket(long perSecond, long now) {
      this.perSecond = perSecond;
      this.tokens = perSecond;
      this.at = now;
    }

    void refill(long now) {
      if (now > at) {
        tokens = Math.min(perSecond, tokens + (now - at) * perSecond / 1000.0);
        at = now;
      }
    }
  }

  private static final class Shard {
    final Bucket inBytes;
    final Bucket inRecords;
    final Bucket outBytes;
    final Bucket gets;

    Shard(long now) {
      inBytes = new Bucket(IN_BYTES_PER_SECOND, now);
      inRecords = new Bucket(IN_RECORDS_PER_SECOND, now);
      outBytes = new Bucket(OUT_BYTES_PER_SECOND, now);
      gets = new Bucket(GET_CALLS_PER_SECOND, now);
    }
  }

  private Shard shard(String stream, int partition) {
    long now = clock.getAsLong();
    return shards.computeIfAbsent(stream + "/" + partition, k -> new Shard(now));
  }

  /** Whether one record of {@code bytes} (data and key) may be put now; takes its share if so. */
  public boolean admitPut(String stream, int partition, long bytes) {
    if (!enabled) {
      return true;
    }
    Shard s = shard(stream, partition);
    long now = clock.getAsLong();
    synchronized (s) {
      s.inBytes.refill(now);
      s.inRecords.refill(now);
      if (s.inRecords.tokens < 1 || s.inBytes.tokens < bytes) {
        return false;
      }
      s.inRecords.tokens -= 1;
      s.inBytes.tokens -= bytes;
      return true;
    }
  }

  /** Whether a GetRecords call may read the shard now; takes one call if so. */
  public boolean admitGet(String stream, int partition) {
    if (!enabled) {
      return true;
    }
    Shard s = shard(stream, partition);
    long now = clock.getAsLong();
    synchronized (s) {
      s.gets.refill(now);
      s.outBytes.refill(now);
      if (s.gets.tokens < 1 || s.outBytes.tokens <= 0) {
        return false;
      }
      s.gets.tokens -= 1;
      return true;
    }
  }

  /** Charges what a GetRecords call read. */
  public void readDone(String stream, int partition, long bytes) {
    if (!enabled) {
      return;
    }
    Shard s = shard(stream, partition);
    synchronized (s) {
      s.outBytes.refill(clock.getAsLong());
      s.outBytes.tokens -= bytes;
    }
  }

  /** Kinesis's message for a refused put or read on a shard. */
  public static String message(String shardId, String stream, String account) {
    return "Rate exceeded for shard "
        + shardId
        + " in stream "
        + stream
        + " under account "
        + account
        + ".";
  }
}
