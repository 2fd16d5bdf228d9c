package io.watershed.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Scratch directories for benchmarks, on the disk the data dir would use. */
final class BenchFiles {
  private BenchFiles() {}

  /** A fresh directory under {@code -Dbench.dir} (default {@code bench/work}). */
  static Path freshDir(String name) throws IOException {
    Path root = Path.of(System.getProperty("bench.dir", "bench/work"));
    Files.createDirectories(root);
    return Files.createTempDirectory(root, name + "-");
  }

  static void deleteTree(Path root) throws IOException {
    io.watershed.log.DurableFiles.deleteTree(root);
  }
}
