package io.watershed.core.node;

import io.watershed.log.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    writeDurably(file, id + "\n");
    return id;
  }

  static void writeDurably(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    DurableFiles.writeAtomically(
        file, ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)), true);
  }
}
