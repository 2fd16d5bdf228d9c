package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfigTest {
  /** What validation accepts, the configuration parses: Kafka accepts values with whitespace. */
  @Test
  void valuesWithSurroundingWhitespaceParseAsValidationAcceptsThem() {
    Map<String, String> spaced =
        Map.of(
            "retention.ms", "360000 ",
            "segment.bytes", " 1048576",
            "min.cleanable.dirty.ratio", " 0.3 ",
            "message.timestamp.type", " LogAppendTime ");
    spaced.forEach((k, v) -> assertThat(LogConfig.validate(k, v)).as(k).isEmpty());
    LogConfig c = LogConfig.DEFAULTS.with(spaced);
    assertThat(c.retentionMs()).isEqualTo(360_000L);
    assertThat(c.segmentBytes()).isEqualTo(1_048_576);
    assertThat(c.minCleanableDirtyRatio()).isEqualTo(0.3);
    assertThat(c.logAppendTime()).isTrue();
  }
}
