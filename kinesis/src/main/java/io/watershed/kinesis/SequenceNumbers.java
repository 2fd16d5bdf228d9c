package io.watershed.kinesis;

/**
 * Kinesis sequence numbers and log offsets, one-to-one per shard.
 *
 * <p>A sequence number has the shape of Kinesis's own: 56 decimal digits starting with {@code 49}.
 *
 * <pre>
 * | digits | width | meaning                                                |
 * |--------|-------|--------------------------------------------------------|
 * | 0..1   | 2     | "49", as Kinesis's numbers start                       |
 * | 2..11  | 10    | the shard's partition index, zero-padded               |
 * | 12..36 | 25    | zeros, reserved                                        |
 * | 37..55 | 19    | the position: the record's log offset + 1, zero-padded |
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
 *
 * <p>Earlier versions issued 30 digits ({@code 1}, the partition in 10 digits, the position in 19);
 * those are still read, so checkpoints taken then stay valid, and every 56-digit number is larger
 * than every 30-digit one, so a checkpoint never goes backwards across the change.
 */
public final class SequenceNumbers {
  static final int LENGTH = 56;
  private static final int LEGACY_LENGTH = 30;
  private static final int RESERVED_FROM = 12;
  private static final int POSITION_FROM = 37;

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
    StringBuilder sb = new StringBuilder(LENGTH).append("49");
    String p = Integer.toString(partition);
    sb.repeat('0', 10 - p.length()).append(p);
    sb.repeat('0', POSITION_FROM - RESERVED_FROM);
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
    if (sequenceNumber == null || !allDigits(sequenceNumber)) {
      return null;
    }
    if (sequenceNumber.length() == LENGTH && sequenceNumber.startsWith("49")) {
      for (int i = RESERVED_FROM; i < POSITION_FROM; i++) {
        if (sequenceNumber.charAt(i) != '0') {
          return null;
        }
      }
      return parsed(sequenceNumber, 2, POSITION_FROM);
    }
    if (sequenceNumber.length() == LEGACY_LENGTH && sequenceNumber.charAt(0) == '1') {
      return parsed(sequenceNumber, 1, 11);
    }
    return null;
  }

  private static Parsed parsed(String s, int partitionFrom, int positionFrom) {
    long partition = Long.parseLong(s, partitionFrom, partitionFrom + 10, 10);
    if (partition > Integer.MAX_VALUE) {
      return null;
    }
    long position;
    try {
      position = Long.parseLong(s, positionFrom, positionFrom + 19, 10);
    } catch (NumberFormatException e) {
      return null;
    }
    return new Parsed((int) partition, position);
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
