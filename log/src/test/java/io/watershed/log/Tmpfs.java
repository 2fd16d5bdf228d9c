package io.watershed.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small real file system for tests of a full disk: a tmpfs of a given size mounted on a
 * directory, which needs root; {@link #mounted()} says whether it worked (tests skip, or fall back,
 * when it did not). Closing unmounts it.
 */
public final class Tmpfs implements AutoCloseable {
  private final Path path;
  private final boolean mounted;

  private Tmpfs(Path path, boolean mounted) {
    this.path = path;
    this.mounted = mounted;
  }

  /**
   * Mounts a tmpfs of {@code size} ({@code 64m}) on {@code dir}, creating the directory.
   *
   * @return the mount; check {@link #mounted()}
   */
  public static Tmpfs mount(Path dir, String size) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
            .redirectErrorStream(true)
            .start();
    boolean done = p.waitFor(10, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    return new Tmpfs(dir, done && p.exitValue() == 0);
  }

  public Path path() {
    return path;
  }

  public boolean mounted() {
    return mounted;
  }

  @Override
  public void close() throws IOException {
    if (mounted) {
      try {
        new ProcessBuilder("umount", "-l", path.toString()).start().waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
