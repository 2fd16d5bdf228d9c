package io.watershed.kinesis;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The 128-bit hash-key space of Kinesis: a record goes to the open shard whose range holds
 * MD5(partition key) read as an unsigned big-endian integer, or its ExplicitHashKey.
 */
public final class HashKeys {
  /** 2^128 - 1, the largest hash key. */
  public static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("MD5 is not available", e);
            }
          });

  private HashKeys() {}

  /** MD5 of the partition key's UTF-8 bytes as an unsigned 128-bit integer. */
  public static BigInteger ofPartitionKey(String partitionKey) {
    MessageDigest md = MD5.get();
    md.reset();
    return new BigInteger(1, md.digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Parses an ExplicitHashKey.
   *
   * @throws KinesisException InvalidArgumentException when it is not a decimal in [0, 2^128-1]
   */
  public static BigInteger parseExplicit(String explicitHashKey) {
    BigInteger h = null;
    if (explicitHashKey.matches("0|[1-9]\\d{0,38}")) {
      h = new BigInteger(explicitHashKey);
    }
    if (h == null || h.compareTo(MAX) > 0) {
      throw KinesisException.invalidArgument(
          "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, "
              + MAX
              + "]. Specified value was "
              + explicitHashKey);
    }
    return h;
  }

  /** The first hash key of shard {@code index} of {@code count} that split the space evenly. */
  public static BigInteger evenStart(int index, int count) {
    return BigInteger.ONE
        .shiftLeft(128)
        .multiply(BigInteger.valueOf(index))
        .divide(BigInteger.valueOf(count));
  }

  /** The last hash key of shard {@code index} of {@code count} that split the space evenly. */
  public static BigInteger evenEnd(int index, int count) {
    return index == count - 1 ? MAX : evenStart(index + 1, count).subtract(BigInteger.ONE);
  }
}
