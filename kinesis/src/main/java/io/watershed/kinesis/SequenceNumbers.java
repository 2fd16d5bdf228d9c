package io.watershed.kinesis;

/**
 * Kinesis sequence numbers and log offsets, one-to-one per shard.
 *
 * <p>A sequence number is a 30-digit decimal string:
 *
 * <pre>
 * | digits | width | meaning                                                |
 * |--------|-------|--------------------------------------------------------|
 * | 0      | 1     | format version, always '1' (so no leading 0)           |
 * | 1..10  | 10    | the shard's partition index, zero-padded               |
 * | 11..29 | 19    | the position: the record's log offset + 1, zero-padded |
 * </pre>
 *
 * <p>Position 0 is the shard's StartingSequenceNumber, below every record, as in Kinesis; the
 * record at offset {@code o} has position {@code o + 1}. So "the number of the last record read" is
 * defined even before the first one: a GetRecords or SubscribeToShard reader that stands at offset
 * {@code p} has read up to position {@code p} ({@link #position}), which AFTER_SEQUENCE_NUMBER
 * resumes from exactly — this is SubscribeToShard's ContinuationSequenceNumber.
 *
 * <p>Within a shard, sequence numbers grow with offsets both numerically and as strings, as Kinesis
 * consumers that checkpoint and compare them expect; they match the API's pattern {@code
 * 0|([1-9]\d{0,128})}; and a number handed to the wrong shard is recognised.
 */
public final class SequenceNumbers {
  static final int LENGTH = 30;

  private SequenceNumbers() {}

  /** The sequence number of the record at {@code offset} in partition {@code partition}. */
  public static String of(int partition, long offset) {
    if (offset == Long.MAX_VALUE) {
      throw new IllegalArgumentException("offset " + offset);
    }
    return position(partition, offset + 1);
  }

  /**
   * The sequence number at {@code position}: that of the record at offset {@code position - 1}, or
   * the shard's starting number for 0.
   */
  public static String position(int partition, long position) {
    if (partition < 0 || position < 0) {
      throw new IllegalArgumentException("partition " + partition + ", position " + position);
    }
    StringBuilder sb = new StringBuilder(LENGTH).append('1');
    String p = Integer.toString(partition);
    sb.repeat('0', 10 - p.length()).append(p);
    String o = Long.toString(position);
    sb.repeat('0', 19 - o.length()).append(o);
    return sb.toString();
  }

  /**
   * A parsed sequence number.
   *
   * @param partition the shard's partition
   * @param position the record's offset + 1, or 0 for the shard's starting number
   */
  public record Parsed(int partition, long position) {
    /** Where AT_SEQUENCE_NUMBER starts: the record itself (the first one for position 0). */
    public long atOffset() {
      return Math.max(0, position - 1);
    }

    /** Where AFTER_SEQUENCE_NUMBER starts: the record after it. */
    public long afterOffset() {
      return position;
    }
  }

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
    long position;
    try {
      position = Long.parseLong(sequenceNumber, 11, LENGTH, 10);
    } catch (NumberFormatException e) {
      return null;
    }
    return new Parsed((int) partition, position);
  }
}
