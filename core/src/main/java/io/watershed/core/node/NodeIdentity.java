package io.watershed.core.node;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The identity of a data directory: a cluster id chosen when the directory is first used and kept
 * in {@code <dataDir>/cluster.id}, so that clients see the same cluster across restarts.
 */
public final class NodeIdentity {
  static final String FILE = "cluster.id";

  private NodeIdentity() {}

  /** The data directory's cluster id, created on first use (temp file, fsync, rename). */
  public static UUID clusterId(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (Files.exists(file)) {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      try {
        return UUID.fromString(text);
      } catch (IllegalArgumentException e) {
        throw new IOException(file + " does not hold a cluster id: '" + text + "'");
      }
    }
    UUID id = UUID.randomUUID();
    DurableFile.write(file, id + "\n");
    return id;
  }

  /** Small files replaced atomically and durably. */
  static final class DurableFile {
    private DurableFile() {}

    static void write(Path file, String content) throws IOException {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    }
  }
}
