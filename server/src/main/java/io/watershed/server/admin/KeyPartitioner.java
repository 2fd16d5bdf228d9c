package io.watershed.server.admin;

import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.utils.Utils;

/**
 * Picks the partition of a record produced through the API as Kafka's default partitioner does, so
 * that a key lands where a Kafka producer would put it: murmur2 of the key bytes, made positive,
 * modulo the partition count (kafka-clients' own hash, so the two cannot drift apart). Records
 * without a key go to one partition per request, the next one each time (one batch per request).
 */
final class KeyPartitioner {
  private final AtomicInteger next = new AtomicInteger();

  int forKey(byte[] key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key)) % partitions;
  }

  int forUnkeyed(int partitions) {
    return Math.floorMod(next.getAndIncrement(), partitions);
  }
}
