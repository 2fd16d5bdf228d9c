package io.watershed.core.metadata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** File operations that survive a crash at any point. */
final class DurableFiles {

  /** Suffix of a file being written; a crash can leave one behind, and it is never read. */
  static final String TEMP_SUFFIX = io.watershed.log.DurableFiles.TEMP_SUFFIX;

  private DurableFiles() {}

  /**
   * Replaces {@code target} with {@code content} so that after a crash the file either does not
   * exist, or is the old file, or holds all of {@code content}: temp file, fsync, rename, fsync the
   * directory.
   */
  static void writeAtomically(Path target, ByteBuffer content) throws IOException {
    io.watershed.log.DurableFiles.writeAtomically(target, content, true);
  }

  /** Writes all remaining bytes of {@code buffer} at {@code position}. */
  static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    io.watershed.log.DurableFiles.writeFully(channel, buffer, position);
  }

  /** Makes creations, renames and deletions of entries in {@code dir} durable. */
  static void syncDirectory(Path dir) throws IOException {
    io.watershed.log.DurableFiles.syncDirectory(dir);
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
