package io.watershed.server.admin;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the partition of a record produced through the API as Kafka's default partitioner does, so
 * that a key lands where a Kafka producer would put it: murmur2 of the key bytes, made positive,
 * modulo the partition count. Records without a key go to one partition per request, the next one
 * each time (one batch per request).
 */
final class KeyPartitioner {
  private final AtomicInteger next = new AtomicInteger();

  int forKey(byte[] key, int partitions) {
    return (murmur2(key) & 0x7fffffff) % partitions;
  }

  int forUnkeyed(int partitions) {
    return Math.floorMod(next.getAndIncrement(), partitions);
  }

  /** MurmurHash2, 32-bit, seed 0x9747b28c: the hash Kafka's producer partitions keys with. */
  @SuppressWarnings("fallthrough")
  static int murmur2(byte[] data) {
    int length = data.length;
    int seed = 0x9747b28c;
    int m = 0x5bd1e995;
    int r = 24;
    int h = seed ^ length;
    int length4 = length / 4;
    for (int i = 0; i < length4; i++) {
      int i4 = i * 4;
      int k =
          (data[i4] & 0xff)
              + ((data[i4 + 1] & 0xff) << 8)
              + ((data[i4 + 2] & 0xff) << 16)
              + ((data[i4 + 3] & 0xff) << 24);
      k *= m;
      k ^= k >>> r;
      k *= m;
      h *= m;
      h ^= k;
    }
    int tail = length & ~3;
    switch (length % 4) {
      case 3:
        h ^= (data[tail + 2] & 0xff) << 16;
      // fall through
      case 2:
        h ^= (data[tail + 1] & 0xff) << 8;
      // fall through
      case 1:
        h ^= data[tail] & 0xff;
        h *= m;
        break;
      default:
        break;
    }
    h ^= h >>> 13;
    h *= m;
    h ^= h >>> 15;
    return h;
  }
}
