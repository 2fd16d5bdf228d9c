package io.watershed.core.metadata;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds the files a store leaves behind when the process dies: a command log written and fsynced,
 * but no snapshot taken on close. Also damages files the way crashes and disks do.
 */
final class CrashedLogs {

  private CrashedLogs() {}

  /**
   * Writes {@code commands} to the command log in {@code dataDir}, one entry each, sealing a file
   * after every {@code perFile} entries.
   *
   * @return the log files, oldest first
   */
  static List<Path> write(Path dataDir, int perFile, List<? extends MetadataCommand> commands)
      throws IOException {
    Path dir = dataDir.resolve(MetadataStore.DIRECTORY);
    Files.createDirectories(dir);
    try (MetadataLog log = MetadataLog.open(dir)) {
      for (int i = 0; i < commands.size(); i++) {
        if (i > 0 && i % perFile == 0) {
          log.roll();
        }
        log.append(List.of(MetadataCommandCodec.encode(commands.get(i))));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(file -> file.toString().endsWith(CommandLogFile.SUFFIX))
          .sorted()
          .toList();
    }
  }

  /**
   * Returns the byte offset at which entry {@code n} (0-based) of a file of {@code commands}
   * starts.
   */
  static long entryOffset(List<? extends MetadataCommand> commands, int n) {
    long offset = MetadataLog.FILE_HEADER_SIZE;
    for (int i = 0; i < n; i++) {
      offset += MetadataLog.ENTRY_HEADER_SIZE + MetadataCommandCodec.encode(commands.get(i)).length;
    }
    return offset;
  }

  /** Cuts {@code file} to {@code length} bytes, as a crash mid-write does. */
  static void truncate(Path file, long length) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(length);
    }
  }

  /** Inverts the bits of the byte at {@code offset}, as a bad disk does. */
  static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(offset);
      int b = raf.read();
      raf.seek(offset);
      raf.write(~b);
    }
  }
}
