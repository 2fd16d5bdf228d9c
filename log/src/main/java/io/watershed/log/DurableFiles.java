package io.watershed.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** File operations that survive a crash at any point; shared by every module that keeps files. */
public final class DurableFiles {
  /** Suffix of a file being written; a crash can leave one behind, and it is never read. */
  public static final String TEMP_SUFFIX = ".tmp";

  private DurableFiles() {}

  /**
   * Replaces {@code target} with {@code content} so that after a crash the file is either the old
   * one or holds all of {@code content}: temp file, fsync, rename, then (when {@code
   * syncDirectory}) fsync of the directory so that the rename itself survives a power loss.
   */
  public static void writeAtomically(Path target, ByteBuffer content, boolean syncDirectory)
      throws IOException {
    replace(target, content, true);
    if (syncDirectory) {
      syncDirectory(target.getParent());
    }
  }

  /**
   * Replaces {@code target} with {@code content} through a temp file and a rename, without fsync:
   * for derived data only (index files, producer snapshots), which carries its own checksum and is
   * checked against the records it describes when read. After a power loss the file may be the old
   * one, empty or torn; the reader then rebuilds it. Saves the fsyncs that made a stop with many
   * partitions overrun its budget (three of every partition's four).
   */
  static void writeDerived(Path target, ByteBuffer content) throws IOException {
    replace(target, content, false);
  }

  /** Writes a temp file beside {@code target} (fsynced when {@code force}), then renames it. */
  private static void replace(Path target, ByteBuffer content, boolean force) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      writeFully(channel, content, 0);
      if (force) {
        channel.force(true);
      }
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes all remaining bytes of {@code buffer} at {@code position}. */
  public static void writeFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  /** Makes creations, renames and deletions of entries in {@code dir} durable. */
  public static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Deletes a directory and everything in it. */
  public static void deleteTree(Path root) throws IOException {
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
