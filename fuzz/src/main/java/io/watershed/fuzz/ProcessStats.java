package io.watershed.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A process's resident memory and thread count as Linux reports them ({@code /proc/<pid>/status}
 * VmRSS, the entries of {@code /proc/<pid>/task}).
 *
 * @param rssKiB resident set size in KiB, -1 when unknown
 * @param threads threads of the process, -1 when unknown
 */
public record ProcessStats(long rssKiB, int threads) {
  public static ProcessStats of(long pid) {
    long rss = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      rss = -1;
    }
    int threads;
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      threads = (int) tasks.count();
    } catch (IOException e) {
      threads = -1;
    }
    return new ProcessStats(rss, threads);
  }

  public long rssMiB() {
    return rssKiB < 0 ? -1 : rssKiB / 1024;
  }
}
