package io.watershed.embedded;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Starts and closes nodes one after another in this (fresh) JVM and prints one line per start:
 * {@code start <i> <wall ms> <process cpu ms>}. Arguments: the number of starts (1) and the front
 * doors, comma-separated ({@code KAFKA,KINESIS}; all when absent). The first line is the cold start
 * a test suite's first node pays (class loading, JIT); the others are the warm starts every later
 * node pays.
 */
public final class StartTimeProbe {
  private StartTimeProbe() {}

  public static void main(String[] args) {
    int starts = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    // The logging backend starts first, as it has in a test suite by the time a node starts.
    org.slf4j.LoggerFactory.getLogger(StartTimeProbe.class).debug("measuring {} starts", starts);
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int i = 0; i < starts; i++) {
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      EmbeddedWatershed.Builder builder = EmbeddedWatershed.builder();
      if (args.length > 1) {
        builder.doors(Arrays.stream(args[1].split(",")).map(Door::valueOf).toList());
      }
      try (EmbeddedWatershed watershed = builder.start()) {
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        long cpuMs = (os.getProcessCpuTime() - cpu0) / 1_000_000;
        System.out.println(
            "start " + i + " " + wallMs + " " + cpuMs + " " + watershed.boundPorts());
      }
    }
  }
}
