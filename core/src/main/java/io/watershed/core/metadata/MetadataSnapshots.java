package io.watershed.core.metadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot files in a directory, named by the index they cover: {@code
 * snapshot-00000000000000010000.snapshot} ({@link MetadataSnapshot} format).
 *
 * <p>The two newest snapshots are kept, so that when the newest is damaged the older one, plus the
 * command log after it, still rebuilds the state; {@link #prune} tells the log how far back it must
 * reach for that. A damaged snapshot is renamed to {@code *.corrupt}: kept for inspection, never
 * read again.
 *
 * <p>Not thread-safe: used by the thread that opens the store, then only by its writer thread.
 */
final class MetadataSnapshots {

  static final String PREFIX = "snapshot-";
  static final String SUFFIX = ".snapshot";
  static final String CORRUPT_SUFFIX = ".corrupt";

  /** How many snapshots {@link #prune} keeps. */
  static final int RETAINED = 2;

  private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})\\.snapshot");
  private static final Logger LOG = LoggerFactory.getLogger(MetadataSnapshots.class);

  private final Path dir;

  /** Manages the snapshots in {@code dir}, which must exist. */
  MetadataSnapshots(Path dir) {
    this.dir = dir;
  }

  /** Writes {@code image} as a snapshot, atomically and durably. */
  void write(MetadataImage image) throws IOException {
    DurableFiles.writeAtomically(pathFor(image.lastAppliedIndex()), MetadataSnapshot.encode(image));
  }

  /**
   * Loads the newest intact snapshot, trying older ones when newer ones are damaged (each damaged
   * one is logged and renamed to {@code *.corrupt}). Deletes snapshot temp files a crash left.
   *
   * @return the newest intact image, or {@link MetadataImage#EMPTY} if there is none
   */
  MetadataImage loadNewest() throws IOException {
    DurableFiles.deleteTempFiles(dir, PREFIX);
    List<Long> indexes = new ArrayList<>(list());
    indexes.sort(Comparator.reverseOrder());
    for (long index : indexes) {
      Path path = pathFor(index);
      try {
        MetadataImage image = MetadataSnapshot.decode(Files.readAllBytes(path), path.toString());
        if (image.lastAppliedIndex() != index) {
          throw new CorruptMetadataException(
              path + ": holds index " + image.lastAppliedIndex() + ", the file name disagrees");
        }
        return image;
      } catch (CorruptMetadataException e) {
        Path aside = path.resolveSibling(path.getFileName() + CORRUPT_SUFFIX);
        LOG.warn(
            "Metadata snapshot {} is damaged ({}); moved it to {} and trying an older snapshot.",
            path,
            e.getMessage(),
            aside);
        Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
        DurableFiles.syncDirectory(dir);
      }
    }
    return MetadataImage.EMPTY;
  }

  /**
   * Deletes all but the {@value #RETAINED} newest snapshots.
   *
   * @return the index of the oldest snapshot kept, or 0 when only one is kept: the command log must
   *     keep every entry after this index so that any kept snapshot can be recovered from
   */
  long prune() throws IOException {
    List<Long> indexes = new ArrayList<>(list());
    indexes.sort(Comparator.reverseOrder());
    for (long index : indexes.subList(Math.min(RETAINED, indexes.size()), indexes.size())) {
      DurableFiles.delete(pathFor(index));
    }
    return indexes.size() >= RETAINED ? indexes.get(RETAINED - 1) : 0;
  }

  /** Returns the indexes of the snapshot files present, in no particular order. */
  List<Long> list() throws IOException {
    try (Stream<Path> paths = Files.list(dir)) {
      return paths.map(MetadataSnapshots::indexOf).flatMap(Optional::stream).toList();
    }
  }

  Path pathFor(long index) {
    return dir.resolve(PREFIX + String.format("%020d", index) + SUFFIX);
  }

  private static Optional<Long> indexOf(Path path) {
    Matcher matcher = NAME.matcher(path.getFileName().toString());
    return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
  }
}
