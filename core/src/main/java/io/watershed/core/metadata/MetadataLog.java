package io.watershed.core.metadata;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable local command log: serialised commands in index order, in append-only files in one
 * directory. Every append is fsynced before it returns, so a command is durable before it is
 * applied and acknowledged.
 *
 * <h2>Files</h2>
 *
 * Files are named by the index of their first entry ({@link CommandLogFile}): {@code
 * commands-00000000000000000001.log}. Only the newest file, the <em>active</em> one, is appended
 * to; {@link #roll} seals it and starts the next. A file appears under its final name only after
 * its header is durable (temp file, fsync, rename, fsync directory), and a file is sealed only
 * after all its entries are durable.
 *
 * <p>File header, big-endian:
 *
 * <pre>
 * offset  width  meaning
 *      0      4  magic 0x57534D4C ("WSML")
 *      4      4  format version, 1
 *      8      8  index of the file's first entry; equals the index in the file name
 * </pre>
 *
 * <p>Then entries back to back until the end of the file, each big-endian:
 *
 * <pre>
 * offset  width  meaning
 *      0      4  payload length N, 1 to MAX_PAYLOAD_BYTES (1 MiB)
 *      4      4  CRC32C of bytes 8 to 16+N: the index and the payload
 *      8      8  log index: the previous entry's index plus one
 *     16      N  payload: the command as UTF-8 JSON (MetadataCommandCodec)
 * </pre>
 *
 * <h2>Recovery</h2>
 *
 * {@link #open} reads every file. In the active file it stops at the first entry that is torn or
 * fails its CRC and, when no intact entry follows it, truncates the file there and logs how many
 * bytes it dropped: a crash leaves only an unsynced, hence unacknowledged, tail there. Everything
 * else is refused with a {@link CorruptMetadataException} rather than truncated, because truncating
 * would silently take acknowledged commands with it: a damaged entry with intact ones after it (a
 * bad disk, not a crash), a bad file header, an intact entry out of sequence (a gap or a repeat),
 * files whose indexes do not follow on, or a damaged entry in a sealed file (sealed files were
 * fully synced before the next one was created, so no crash tears them).
 *
 * <p>Invariants: indexes are contiguous across all files, from {@link #firstIndex()} to {@link
 * #lastIndex()}; every entry up to {@link #lastIndex()} is durable.
 *
 * <p>Not thread-safe: used by the thread that opens the store, then only by its writer thread.
 * After a failed append the log refuses further appends (the failure is sticky): what reached the
 * disk is unknown, and recovery on the next open sorts it out.
 */
final class MetadataLog implements Closeable {

  /** Largest payload one entry may carry. */
  static final int MAX_PAYLOAD_BYTES = 1024 * 1024;

  static final int MAGIC = 0x57534D4C;
  static final int FORMAT_VERSION = 1;
  static final int MAGIC_OFFSET = 0;
  static final int VERSION_OFFSET = 4;
  static final int FIRST_INDEX_OFFSET = 8;
  static final int FILE_HEADER_SIZE = 16;

  static final int LENGTH_OFFSET = 0;
  static final int CRC_OFFSET = 4;
  static final int INDEX_OFFSET = 8;
  static final int ENTRY_HEADER_SIZE = 16;

  private static final Logger LOG = LoggerFactory.getLogger(MetadataLog.class);

  private final Path dir;

  /** Sealed files, oldest first; each one's entries end where the next file's begin. */
  private final List<CommandLogFile> sealed;

  private CommandLogFile active;
  private FileChannel activeChannel;

  /** Bytes of the active file that hold its header and durable entries. */
  private long activeSize;

  private long nextIndex;
  private IOException failure;

  private MetadataLog(
      Path dir,
      List<CommandLogFile> sealed,
      CommandLogFile active,
      FileChannel activeChannel,
      long activeSize,
      long nextIndex) {
    this.dir = dir;
    this.sealed = sealed;
    this.active = active;
    this.activeChannel = activeChannel;
    this.activeSize = activeSize;
    this.nextIndex = nextIndex;
  }

  /**
   * Opens the log in {@code dir}, recovering after a crash as described in the class comment. An
   * empty directory gets a new log whose first index is 1.
   *
   * @throws CorruptMetadataException if the files are damaged beyond a torn tail
   */
  static MetadataLog open(Path dir) throws IOException {
    DurableFiles.deleteTempFiles(dir, CommandLogFile.PREFIX);
    List<CommandLogFile> files = list(dir);
    if (files.isEmpty()) {
      CommandLogFile first = create(dir, 1);
      return new MetadataLog(
          dir, new ArrayList<>(), first, openForAppend(first), FILE_HEADER_SIZE, 1);
    }
    CommandLogReader.Scan scan = null;
    for (int i = 0; i < files.size(); i++) {
      CommandLogFile file = files.get(i);
      if (scan != null && file.firstIndex() != scan.nextIndex()) {
        throw new CorruptMetadataException(
            file.path()
                + " starts at index "
                + file.firstIndex()
                + " but the previous file ends before index "
                + scan.nextIndex()
                + "; command log indexes must be contiguous");
      }
      scan = CommandLogReader.read(file, (index, payload) -> {});
      boolean isActive = i == files.size() - 1;
      if (!scan.isClean() && !isActive) {
        throw damagedBefore(file, scan, "newer files follow it");
      }
    }
    CommandLogFile last = files.get(files.size() - 1);
    FileChannel channel = openForAppend(last);
    try {
      if (!scan.isClean()) {
        if (CommandLogReader.intactEntryAfter(last, scan.validBytes(), scan.nextIndex() + 1)) {
          throw damagedBefore(last, scan, "intact entries follow it");
        }
        truncateTail(last, channel, scan);
      }
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    return new MetadataLog(
        dir,
        new ArrayList<>(files.subList(0, files.size() - 1)),
        last,
        channel,
        scan.validBytes(),
        scan.nextIndex());
  }

  /** The refusal of damage that acknowledged commands follow ({@code why} says which). */
  private static CorruptMetadataException damagedBefore(
      CommandLogFile file, CommandLogReader.Scan scan, String why) {
    return new CorruptMetadataException(
        file.path()
            + " is damaged at byte "
            + scan.validBytes()
            + " (entry "
            + scan.nextIndex()
            + ": "
            + scan.damage()
            + ") but "
            + why
            + "; refusing to drop acknowledged commands");
  }

  /** Returns the index of the oldest entry kept, or {@link #nextIndex()} if there is none. */
  long firstIndex() {
    return sealed.isEmpty() ? active.firstIndex() : sealed.get(0).firstIndex();
  }

  /** Returns the index of the newest durable entry, or {@code firstIndex() - 1} if none. */
  long lastIndex() {
    return nextIndex - 1;
  }

  /** Returns the index the next appended entry gets. */
  long nextIndex() {
    return nextIndex;
  }

  /**
   * Passes every entry from {@code fromIndex} to {@link #lastIndex()} to {@code handler}, in order.
   */
  void replay(long fromIndex, CommandLogReader.EntryHandler handler) throws IOException {
    List<CommandLogFile> files = new ArrayList<>(sealed);
    files.add(active);
    for (int i = 0; i < files.size(); i++) {
      long nextFileFirst = i + 1 < files.size() ? files.get(i + 1).firstIndex() : nextIndex;
      if (nextFileFirst <= fromIndex) {
        continue;
      }
      CommandLogReader.Scan scan =
          CommandLogReader.read(
              files.get(i),
              (index, payload) -> {
                if (index >= fromIndex && index < nextIndex) {
                  handler.accept(index, payload);
                }
              });
      if (!scan.isClean() && scan.nextIndex() < nextFileFirst) {
        throw new CorruptMetadataException(
            files.get(i).path() + " was damaged after recovery: " + scan.damage());
      }
    }
  }

  /**
   * Appends {@code payloads} as entries {@link #nextIndex()}, {@code nextIndex() + 1} … and fsyncs
   * them all at once (group commit). When it returns, every entry is durable.
   *
   * @throws IOException if writing or syncing failed; the log then refuses every later append
   */
  void append(List<byte[]> payloads) throws IOException {
    if (failure != null) {
      throw new IOException("the command log failed earlier and accepts no more appends", failure);
    }
    ByteBuffer entries = encode(nextIndex, payloads);
    int bytes = entries.remaining();
    try {
      DurableFiles.writeFully(activeChannel, entries, activeSize);
      activeChannel.force(false);
    } catch (IOException e) {
      failure = e;
      throw e;
    }
    activeSize += bytes;
    nextIndex += payloads.size();
  }

  /**
   * Seals the active file and starts a new one at {@link #nextIndex()}, so that older entries can
   * later be deleted file by file. Does nothing if the active file holds no entries. If creating
   * the new file fails, the active file stays active.
   */
  void roll() throws IOException {
    if (active.firstIndex() == nextIndex) {
      return;
    }
    CommandLogFile next = create(dir, nextIndex);
    FileChannel nextChannel = openForAppend(next);
    activeChannel.close();
    sealed.add(active);
    active = next;
    activeChannel = nextChannel;
    activeSize = FILE_HEADER_SIZE;
  }

  /**
   * Deletes sealed files, oldest first, whose entries all have indexes of at most {@code index}.
   * The active file is never deleted. Each deletion is made durable before the next, so a crash
   * leaves the remaining files contiguous.
   */
  void deleteFilesUpTo(long index) throws IOException {
    while (!sealed.isEmpty()) {
      long lastInOldest = (sealed.size() > 1 ? sealed.get(1) : active).firstIndex() - 1;
      if (lastInOldest > index) {
        return;
      }
      DurableFiles.delete(sealed.get(0).path());
      sealed.remove(0);
    }
  }

  /**
   * Deletes every file and starts an empty log whose next index is {@code newNextIndex}. Used when
   * a snapshot already covers everything the log holds and more, so that the log can continue after
   * the snapshot without a gap.
   */
  void restartAt(long newNextIndex) throws IOException {
    activeChannel.close();
    for (CommandLogFile file : sealed) {
      DurableFiles.delete(file.path());
    }
    sealed.clear();
    DurableFiles.delete(active.path());
    // A crash here leaves no files; the next open starts at 1 and the caller restarts it again.
    active = create(dir, newNextIndex);
    activeChannel = openForAppend(active);
    activeSize = FILE_HEADER_SIZE;
    nextIndex = newNextIndex;
  }

  @Override
  public void close() throws IOException {
    activeChannel.close();
  }

  private static List<CommandLogFile> list(Path dir) throws IOException {
    try (Stream<Path> paths = Files.list(dir)) {
      return paths
          .map(CommandLogFile::parse)
          .flatMap(Optional::stream)
          .sorted((a, b) -> Long.compare(a.firstIndex(), b.firstIndex()))
          .toList();
    }
  }

  private static CommandLogFile create(Path dir, long firstIndex) throws IOException {
    CommandLogFile file = CommandLogFile.in(dir, firstIndex);
    ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_SIZE);
    header.putInt(MAGIC_OFFSET, MAGIC);
    header.putInt(VERSION_OFFSET, FORMAT_VERSION);
    header.putLong(FIRST_INDEX_OFFSET, firstIndex);
    DurableFiles.writeAtomically(file.path(), header);
    return file;
  }

  private static FileChannel openForAppend(CommandLogFile file) throws IOException {
    return FileChannel.open(file.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  private static void truncateTail(
      CommandLogFile file, FileChannel channel, CommandLogReader.Scan scan) throws IOException {
    long size = channel.size();
    channel.truncate(scan.validBytes());
    channel.force(true);
    LOG.warn(
        "Command log {}: {} at byte {}; truncated the file there and dropped {} bytes."
            + " Entries before index {} are intact.",
        file.path(),
        scan.damage(),
        scan.validBytes(),
        size - scan.validBytes(),
        scan.nextIndex());
  }

  /** Frames {@code payloads} as consecutive entries starting at {@code firstIndex}. */
  static ByteBuffer encode(long firstIndex, List<byte[]> payloads) {
    int size = 0;
    for (byte[] payload : payloads) {
      if (payload.length < 1 || payload.length > MAX_PAYLOAD_BYTES) {
        throw new IllegalArgumentException("payload length " + payload.length + " out of range");
      }
      size += ENTRY_HEADER_SIZE + payload.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    CRC32C crc = new CRC32C();
    long index = firstIndex;
    for (byte[] payload : payloads) {
      int start = buffer.position();
      buffer.putInt(payload.length);
      buffer.putInt(0);
      buffer.putLong(index);
      buffer.put(payload);
      crc.reset();
      crc.update(buffer.array(), start + INDEX_OFFSET, Long.BYTES + payload.length);
      buffer.putInt(start + CRC_OFFSET, (int) crc.getValue());
      index++;
    }
    return buffer.flip();
  }
}
