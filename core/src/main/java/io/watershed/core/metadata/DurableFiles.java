package io.watershed.core.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File operations that survive a crash at any point. */
final class DurableFiles {

  /** Suffix of a file being written; a crash can leave one behind, and it is never read. */
  static final String TEMP_SUFFIX = ".tmp";

  private DurableFiles() {}

  /**
   * Replaces {@code target} with {@code content} so that after a crash the file either does not
   * exist, or is the old file, or holds all of {@code content}: temp file, fsync, rename, fsync the
   * directory.
   */
  static void writeAtomically(Path target, ByteBuffer content) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      writeFully(channel, content, 0);
      channel.force(true);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(target.getParent());
  }

  /** Writes all remaining bytes of {@code buffer} at {@code position}. */
  static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  /** Makes creations, renames and deletions of entries in {@code dir} durable. */
  static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Deletes {@code file} durably. */
  static void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
    syncDirectory(file.getParent());
  }

  /** Deletes files in {@code dir} left half-written by a crash: those named {@code prefix*.tmp}. */
  static void deleteTempFiles(Path dir, String prefix) throws IOException {
    try (var files = Files.newDirectoryStream(dir, prefix + "*" + TEMP_SUFFIX)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
    }
  }
}
