package io.watershed.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The disk's own sequential write bandwidth, the yardstick for the log's append figures: 16 KiB
 * writes into files of 256 MiB (a fresh file each time, as a log rolls segments), buffered, with an
 * fdatasync after every 16 KiB, or after every 1 MiB. One operation = 16 KiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DiskWriteBaseline {
  static final int CHUNK = 16 * 1024;
  static final long FILE_BYTES = 256L * 1024 * 1024;

  @Param({"buffered", "fdatasync-16k", "fdatasync-1m"})
  public String mode;

  private Path dir;
  private FileChannel channel;
  private Path file;
  private long written;
  private int files;
  private final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = BenchFiles.freshDir("disk-baseline");
    byte[] random = new byte[CHUNK];
    new Random(1).nextBytes(random);
    chunk.put(random).flip();
    newFile();
  }

  private void newFile() throws IOException {
    if (channel != null) {
      channel.close();
      Files.delete(file);
    }
    file = dir.resolve("file-" + files++);
    channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  @Benchmark
  public void write16k() throws IOException {
    chunk.rewind();
    while (chunk.hasRemaining()) {
      channel.write(chunk);
    }
    written += CHUNK;
    if (mode.equals("fdatasync-16k") || (mode.equals("fdatasync-1m") && written % (1 << 20) == 0)) {
      channel.force(false);
    }
    if (written % FILE_BYTES == 0) {
      newFile();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    channel.close();
    BenchFiles.deleteTree(dir);
  }
}
