package io.watershed.fuzz;

import io.watershed.log.format.CorruptBatchException;
import io.watershed.log.format.RecordBatchLayout;
import io.watershed.log.format.RecordLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks every stored batch of a stopped server's data directory: each records file ({@code
 * <data>/log/partitions/<topic>-<partition>/<base offset>.log}) must be a sequence of RecordBatch
 * v2 batches, each with a whole header, a length that ends within the file, magic 2, a CRC32C that
 * matches, offsets that grow, and records that parse ({@link RecordLayout#forEachRecord}). Zero
 * bytes after the last batch (a preallocated tail) are allowed.
 */
public final class SegmentVerifier {
  private static final int MAX_PROBLEMS = 100;

  /** What the walk found. */
  public record Report(int files, long batches, long records, List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  private SegmentVerifier() {}

  public static Report verify(Path dataDir) throws IOException {
    Path logRoot = dataDir.resolve("log");
    List<String> problems = new ArrayList<>();
    int files = 0;
    long[] counts = new long[2];
    if (!Files.isDirectory(logRoot)) {
      return new Report(0, 0, 0, List.of());
    }
    List<Path> partitions;
    try (Stream<Path> s = Files.walk(logRoot, 3)) {
      partitions =
          s.filter(Files::isRegularFile)
              .filter(p -> p.getFileName().toString().endsWith(".log"))
              .map(Path::getParent)
              .distinct()
              .sorted()
              .toList();
    }
    for (Path partition : partitions) {
      List<Path> segments;
      try (Stream<Path> s = Files.list(partition)) {
        segments = s.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
      }
      long nextOffset = 0;
      for (Path segment : segments) {
        files++;
        nextOffset = verifySegment(segment, nextOffset, counts, problems);
      }
    }
    return new Report(files, counts[0], counts[1], List.copyOf(problems));
  }

  private static long verifySegment(
      Path segment, long minOffset, long[] counts, List<String> problems) throws IOException {
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE) {
        problem(problems, segment, 0, "file of " + size + " bytes is larger than a segment can be");
        return minOffset;
      }
      MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      int position = 0;
      long next = minOffset;
      while (position < size) {
        if (size - position < RecordBatchLayout.HEADER_SIZE) {
          if (!zeroFrom(b, position)) {
            problem(problems, segment, position, "torn batch header at the end of the file");
          }
          break;
        }
        int batchLength = RecordBatchLayout.batchLength(b, position);
        if (batchLength == 0 && zeroFrom(b, position)) {
          break;
        }
        int batchSize = batchLength + RecordBatchLayout.LOG_OVERHEAD;
        if (batchLength < RecordBatchLayout.HEADER_SIZE - RecordBatchLayout.LOG_OVERHEAD
            || position + (long) batchSize > size) {
          problem(problems, segment, position, "batch length " + batchLength + " is impossible");
          break;
        }
        String bad = checkBatch(b, position, batchSize, next, counts);
        if (bad != null) {
          problem(problems, segment, position, bad);
        } else {
          next = RecordBatchLayout.lastOffset(b, position) + 1;
        }
        counts[0]++;
        position += batchSize;
      }
      return next;
    }
  }

  private static String checkBatch(
      ByteBuffer b, int at, int batchSize, long minOffset, long[] counts) {
    if (RecordBatchLayout.magic(b, at) != RecordBatchLayout.CURRENT_MAGIC) {
      return "magic " + RecordBatchLayout.magic(b, at);
    }
    int stored = RecordBatchLayout.storedCrc(b, at);
    int computed = RecordBatchLayout.computeCrc(b, at, batchSize);
    if (stored != computed) {
      return String.format(
          "CRC32C mismatch: stored %08x, computed %08x (base offset %d)",
          stored, computed, RecordBatchLayout.baseOffset(b, at));
    }
    long base = RecordBatchLayout.baseOffset(b, at);
    if (base < minOffset) {
      return "base offset " + base + " below the previous batch's end " + minOffset;
    }
    if (RecordBatchLayout.lastOffsetDelta(b, at) < 0) {
      return "negative last offset delta";
    }
    long[] records = new long[1];
    try {
      RecordLayout.forEachRecord(b, at, r -> records[0]++);
    } catch (CorruptBatchException e) {
      return "records do not parse (base offset " + base + "): " + e.getMessage();
    }
    counts[1] += records[0];
    return null;
  }

  private static boolean zeroFrom(ByteBuffer b, int position) {
    for (int i = position; i < b.limit(); i++) {
      if (b.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static void problem(List<String> problems, Path segment, long position, String what) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(
          segment.getParent().getFileName()
              + "/"
              + segment.getFileName()
              + " @"
              + position
              + ": "
              + what);
    }
  }
}
