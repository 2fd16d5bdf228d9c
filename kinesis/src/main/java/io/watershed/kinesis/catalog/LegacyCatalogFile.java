package io.watershed.kinesis.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The catalog file of earlier versions, {@code <data>/kinesis/streams.json}, read once to move its
 * streams onto the coordinator runtime and then kept, renamed {@value #BACKUP_NAME}, as a backup:
 *
 * <pre>
 * { "version": 1, "streams": [ {stream}, ... ] }   // each stream as StreamEntryJson lays it out
 * </pre>
 *
 * A file that does not parse whole, or whose version is unknown, stops the start instead of being
 * trusted (or ignored): the operator decides.
 */
final class LegacyCatalogFile {
  static final String FILE_NAME = "streams.json";
  static final String BACKUP_NAME = "streams.json.migrated";
  static final int VERSION = 1;

  private LegacyCatalogFile() {}

  /** The streams of {@code file}. */
  static SortedMap<String, StreamEntry> read(Path file) throws IOException {
    SortedMap<String, StreamEntry> out = new TreeMap<>();
    try {
      JsonNode root = StreamEntryJson.JSON.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        throw new IOException("not a JSON object");
      }
      int version = root.path("version").asInt(-1);
      if (version != VERSION) {
        throw new IOException("unknown version " + root.path("version"));
      }
      for (JsonNode o : root.path("streams")) {
        StreamEntry s = StreamEntryJson.decode(o);
        out.put(s.name(), s);
      }
    } catch (IOException | RuntimeException e) {
      throw new IOException("Kinesis catalog " + file + " is unreadable: " + e.getMessage(), e);
    }
    return out;
  }

  /** Renames {@code file} to the backup name beside it, durably. */
  static Path keepAsBackup(Path file) throws IOException {
    Path backup = file.resolveSibling(BACKUP_NAME);
    Files.move(file, backup, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    }
    return backup;
  }
}
