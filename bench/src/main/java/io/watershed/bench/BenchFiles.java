package io.watershed.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

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
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
