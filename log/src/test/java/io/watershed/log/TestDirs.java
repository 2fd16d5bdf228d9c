package io.watershed.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Scratch directories for tests that create many logs. On tmpfs ({@code /dev/shm}) when there is
 * one, since fsyncs on this machine's shared virtual disk cost milliseconds and vary widely; run
 * with {@code -Dwatershed.test.onDisk=true} to use the default temp directory (the disk) instead.
 */
final class TestDirs {
  private TestDirs() {}

  /** Whether {@link #create} uses tmpfs. */
  static boolean onTmpfs() {
    Path shm = Path.of("/dev/shm");
    return !Boolean.getBoolean("watershed.test.onDisk")
        && Files.isDirectory(shm)
        && Files.isWritable(shm);
  }

  /** A new empty directory; delete it with {@link #deleteTree}. */
  static Path create(String prefix) throws IOException {
    return onTmpfs()
        ? Files.createTempDirectory(Path.of("/dev/shm"), prefix)
        : Files.createTempDirectory(prefix);
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
