package io.watershed.core.subscription;

import java.util.List;

/**
 * How a consumer joins a subscription.
 *
 * @param name its name (failover orders consumers by priority, then name)
 * @param priority failover's priority level: lower comes first, as in Pulsar
 * @param maxUnacked the most work it may hold unanswered at once; 0 = no limit (then only permits
 *     bound it). EventStoreDB's buffer size is this.
 * @param permits how many deliveries it may take before it grants more ({@link
 *     Subscription#addPermits}); {@link Long#MAX_VALUE} = no limit. Pulsar's flow permits are this.
 * @param hashRanges for key-shared dispatch with sticky ranges, the key hashes it takes; empty
 *     otherwise
 */
public record ConsumerOptions(
    String name, int priority, int maxUnacked, long permits, List<HashRange> hashRanges) {
  public ConsumerOptions {
    if (name == null || maxUnacked < 0 || permits < 0) {
      throw new IllegalArgumentException("invalid consumer options");
    }
    hashRanges = List.copyOf(hashRanges);
  }

  /** A consumer that holds at most {@code maxUnacked} unanswered, with no other limit. */
  public static ConsumerOptions window(String name, int maxUnacked) {
    return new ConsumerOptions(name, 0, maxUnacked, Long.MAX_VALUE, List.of());
  }

  /** A consumer that takes what it is granted permits for, as Pulsar's flow control does. */
  public static ConsumerOptions permits(String name, long permits) {
    return new ConsumerOptions(name, 0, 0, permits, List.of());
  }
}
