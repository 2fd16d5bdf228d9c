package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SequenceNumbersTest {
  @Property
  void roundTripsAndMatchesTheApiPattern(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int partition,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 1) long offset) {
    String s = SequenceNumbers.of(partition, offset);
    assertThat(s).matches("0|([1-9]\\d{0,128})").hasSize(56).startsWith("49");
    SequenceNumbers.Parsed p = SequenceNumbers.parse(s);
    assertThat(p).isEqualTo(new SequenceNumbers.Parsed(partition, offset + 1));
    assertThat(p.atOffset()).isEqualTo(offset);
    assertThat(p.afterOffset()).isEqualTo(offset + 1);
  }

  @Test
  void theStartingNumberIsBelowEveryRecord() {
    String start = SequenceNumbers.position(3, 0);
    assertThat(new BigInteger(start)).isLessThan(new BigInteger(SequenceNumbers.of(3, 0)));
    assertThat(SequenceNumbers.parse(start).atOffset()).isZero();
    assertThat(SequenceNumbers.parse(start).afterOffset()).isZero();
  }

  @Property
  void growWithOffsetsWithinAShard(
      @ForAll @IntRange(min = 0, max = 10_000) int partition,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 2) long offset) {
    BigInteger a = new BigInteger(SequenceNumbers.of(partition, offset));
    BigInteger b = new BigInteger(SequenceNumbers.of(partition, offset + 1));
    assertThat(b).isGreaterThan(a);
  }

  @Property
  void growWithOffsetsAsStringsToo(
      @ForAll @IntRange(min = 0, max = 10_000) int partition,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 2) long offset) {
    assertThat(SequenceNumbers.of(partition, offset + 1))
        .isGreaterThan(SequenceNumbers.of(partition, offset));
  }

  @Test
  void numbersOfTheEarlier30DigitShapeAreStillRead() {
    // Issued before sequence numbers took Kinesis's 56-digit shape: partition 7, offset 41.
    String legacy = "1" + "0000000007" + "0000000000000000042";
    assertThat(SequenceNumbers.parse(legacy)).isEqualTo(new SequenceNumbers.Parsed(7, 42));
    assertThat(new BigInteger(SequenceNumbers.position(7, 0)))
        .isGreaterThan(new BigInteger(legacy));
  }

  @Test
  void foreignNumbersAreRejected() {
    assertThat(SequenceNumbers.parse("49590338271490256608559692538361571095921575989136588898"))
        .isNull();
    assertThat(SequenceNumbers.parse("12345")).isNull();
    assertThat(SequenceNumbers.parse("1000000000x000000000000000000000")).isNull();
    // The reserved digits must be zeros.
    assertThat(SequenceNumbers.parse("49" + "0000000001" + "1".repeat(25) + "0".repeat(19)))
        .isNull();
    assertThat(SequenceNumbers.parse(null)).isNull();
  }
}
