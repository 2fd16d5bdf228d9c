package io.watershed.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A client error repeated in a loop reaches the log at INFO once a minute, with a count. */
class ThrottledLogTest {
  private final AtomicLong nanos = new AtomicLong();

  @Test
  void repeatsWithinTheIntervalGoToDebugAndAreCountedInTheNextInfoLine() {
    try (LogCapture capture = LogCapture.of(ThrottledLogTest.class)) {
      ThrottledLog log =
          new ThrottledLog(LoggerFactory.getLogger(ThrottledLogTest.class), 60_000, nanos::get);
      log.info("bad request 1");
      advanceMs(1_000);
      log.info("bad request 2");
      advanceMs(1_000);
      log.info("bad request 3");
      advanceMs(58_000);
      log.info("bad request 4");

      assertThat(capture.events())
          .extracting(ILoggingEvent::getLevel, ILoggingEvent::getFormattedMessage)
          .containsExactly(
              tuple(Level.INFO, "bad request 1"),
              tuple(Level.DEBUG, "bad request 2"),
              tuple(Level.DEBUG, "bad request 3"),
              tuple(
                  Level.INFO,
                  "bad request 4 (2 more like it since the last such line, logged at DEBUG)"));
      assertThat(capture.withStackTraces()).isEmpty();
    }
  }

  private void advanceMs(long ms) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }
}
