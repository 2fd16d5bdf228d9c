package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression test, written while the bug was live and fixed meanwhile in 3020883: {@link
 * FileHandlePool#closeAll()} promises "leased ones close when released", but a lease released after
 * closeAll() used to leave its channel open for good, so a read slice that outlived its {@link
 * LogManager} leaked a file descriptor.
 */
class FileHandlePoolCloseAllTest {
  @TempDir Path dir;

  @Test
  void aChannelLeasedDuringCloseAllIsClosedWhenItsLeaseIsReleased() throws Exception {
    Path path = dir.resolve("seg.log");
    Files.writeString(path, "x");
    FileHandlePool pool = new FileHandlePool(4);
    FileHandlePool.Lease lease = pool.acquire(new FileHandlePool.SegmentFile(path));
    FileChannel ch = lease.channel();
    pool.closeAll();
    lease.close();
    assertThat(ch.isOpen()).as("channel released after closeAll()").isFalse();
  }

  @Test
  void aSliceHeldAcrossManagerCloseReleasesItsFileWhenClosed() throws Exception {
    AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    LogManager manager =
        LogManager.open(
            LogManagerConfig.defaults(dir)
                .withClock(clock::get)
                .withIntervals(3_600_000, 3_600_000, 3_600_000));
    PartitionLog log = manager.partition("t-0", LogConfig.DEFAULTS);
    log.append(TestBatches.values(clock.get(), "a"), AppendOptions.DURABLE).get();
    LogSlice slice = log.read(0, 1024); // e.g. a fetch response still being sent
    FileChannel ch = slice.channel();
    manager.close();
    slice.close();
    assertThat(ch.isOpen()).as("segment file after the manager and the slice closed").isFalse();
  }
}
