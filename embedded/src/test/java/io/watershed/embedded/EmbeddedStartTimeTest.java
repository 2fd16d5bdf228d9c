package io.watershed.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long a start takes, logged (surefire's output file) for the README. The bounds are loose on
 * purpose: a busy 2-core CI machine must not fail them; the figures are what matters.
 *
 * <p>{@code -Dwatershed.embedded.coldStarts=5} measures more fresh JVMs (default 1).
 */
class EmbeddedStartTimeTest {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedStartTimeTest.class);
  private static final int WARM_STARTS = 5;

  @Test
  void warmStartsInThisJvm() {
    // One start first, so that what is measured is not this JVM's first (class loading, JIT).
    EmbeddedWatershed.builder().start().close();
    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < WARM_STARTS; i++) {
      long t0 = System.nanoTime();
      try (EmbeddedWatershed watershed = EmbeddedWatershed.builder().start()) {
        millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertThat(watershed.isRunning()).isTrue();
      }
    }
    long median = median(millis);
    log.info("warm start: median {} ms of {} starts {}", median, WARM_STARTS, millis);
    assertThat(Duration.ofMillis(median)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void coldStartInAFreshJvm() throws Exception {
    int jvms = Integer.getInteger("watershed.embedded.coldStarts", 1);
    List<Long> wall = new ArrayList<>();
    List<Long> cpu = new ArrayList<>();
    for (int i = 0; i < jvms; i++) {
      Process probe =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx512m",
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  System.getProperty("java.class.path"),
                  StartTimeProbe.class.getName(),
                  "1")
              .redirectErrorStream(true)
              .start();
      String line = null;
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = out.readLine()) != null; ) {
          if (l.startsWith("start 0 ")) {
            line = l;
          }
        }
      }
      assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(probe.exitValue()).isZero();
      assertThat(line).isNotNull();
      String[] fields = line.split(" ");
      wall.add(Long.parseLong(fields[2]));
      cpu.add(Long.parseLong(fields[3]));
    }
    log.info(
        "cold start (fresh JVM): median {} ms wall, {} ms CPU; wall {} CPU {}",
        median(wall),
        median(cpu),
        wall,
        cpu);
    assertThat(Duration.ofMillis(median(wall))).isLessThan(Duration.ofSeconds(30));
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }
}
