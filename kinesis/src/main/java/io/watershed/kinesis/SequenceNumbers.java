package io.watershed.kinesis;

/**
 * Kinesis sequence numbers and log offsets, one-to-one per shard.
 *
 * <p>A sequence number is a 30-digit decimal string:
 *
 * <pre>
 * | digits | width | meaning                                        |
 * |--------|-------|------------------------------------------------|
 * | 0      | 1     | format version, always '1' (so no leading 0)   |
 * | 1..10  | 10    | the shard's partition index, zero-padded       |
 * | 11..29 | 19    | the record's log offset, zero-padded           |
 * </pre>
 *
 * <p>So, within a shard, sequence numbers grow with offsets both numerically and as strings, as
 * Kinesis consumers that checkpoint and compare them expect; they match the pattern {@code
 * 0|([1-9]\d{0,128})} of the API; and a number handed to the wrong shard is recognised.
 */
public final class SequenceNumbers {
  static final int LENGTH = 30;

  private SequenceNumbers() {}

  /** The sequence number of the record at {@code offset} in partition {@code partition}. */
  public static String of(int partition, long offset) {
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException("partition " + partition + ", offset " + offset);
    }
    StringBuilder sb = new StringBuilder(LENGTH).append('1');
    String p = Integer.toString(partition);
    sb.repeat('0', 10 - p.length()).append(p);
    String o = Long.toString(offset);
    sb.repeat('0', 19 - o.length()).append(o);
    return sb.toString();
  }

  /** A parsed sequence number. */
  public record Parsed(int partition, long offset) {}

  /**
   * Parses a sequence number.
   *
   * @return null when it is not one this server issued
   */
  public static Parsed parse(String sequenceNumber) {
    if (sequenceNumber == null
        || sequenceNumber.length() != LENGTH
        || sequenceNumber.charAt(0) != '1') {
      return null;
    }
    for (int i = 1; i < LENGTH; i++) {
      char c = sequenceNumber.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    long partition = Long.parseLong(sequenceNumber, 1, 11, 10);
    if (partition > Integer.MAX_VALUE) {
      return null;
    }
    long offset;
    try {
      offset = Long.parseLong(sequenceNumber, 11, LENGTH, 10);
    } catch (NumberFormatException e) {
      return null;
    }
    return new Parsed((int) partition, offset);
  }
}
