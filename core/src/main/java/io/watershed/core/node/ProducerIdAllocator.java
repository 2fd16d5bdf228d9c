package io.watershed.core.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands out producer ids that are unique for the life of a data directory, for idempotent producers
 * (Kafka InitProducerId, Pulsar producers). Ids are reserved in blocks: the end of the current
 * block is made durable in {@code <dataDir>/producer-ids} before any id of it is given out, so a
 * restart never repeats one.
 *
 * <p>Thread-safe.
 */
public final class ProducerIdAllocator {
  static final String FILE = "producer-ids";
  static final long BLOCK = 1000;

  private final Path file;
  private long next;
  private long blockEnd;

  private ProducerIdAllocator(Path file, long next) {
    this.file = file;
    this.next = next;
    this.blockEnd = next;
  }

  public static ProducerIdAllocator open(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    long next = 0;
    if (Files.exists(file)) {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      try {
        next = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IOException(file + " does not hold a producer id: '" + text + "'");
      }
    }
    return new ProducerIdAllocator(file, next);
  }

  /** A producer id never handed out before. */
  public synchronized long next() throws IOException {
    if (next == blockEnd) {
      NodeIdentity.writeDurably(file, (blockEnd + BLOCK) + "\n");
      blockEnd += BLOCK;
    }
    return next++;
  }
}
