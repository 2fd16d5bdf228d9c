package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounded pool of open segment files, on its own: bound, leases, retirement, renames. */
class FileHandlePoolTest {
  @TempDir Path dir;

  private FileHandlePool.SegmentFile file(String name, String content) throws IOException {
    Path path = dir.resolve(name);
    Files.writeString(path, content, StandardCharsets.UTF_8);
    return new FileHandlePool.SegmentFile(path);
  }

  private static String readAll(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
    Segment.readFully(ch, buf, 0);
    return StandardCharsets.UTF_8.decode(buf).toString();
  }

  @Test
  void idleChannelsBeyondTheBoundAreClosedLeastRecentlyUsedFirst() throws Exception {
    FileHandlePool pool = new FileHandlePool(3);
    List<FileHandlePool.SegmentFile> files = new ArrayList<>();
    List<FileChannel> channels = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      FileHandlePool.SegmentFile f = file("f" + i, "content-" + i);
      files.add(f);
      try (FileHandlePool.Lease lease = pool.acquire(f)) {
        assertThat(readAll(lease.channel())).isEqualTo("content-" + i);
        channels.add(lease.channel());
      }
      assertThat(pool.openCount()).isLessThanOrEqualTo(3);
    }
    assertThat(pool.openCount()).isEqualTo(3);
    // The three most recently used stay open; everything older was closed.
    for (int i = 0; i < 10; i++) {
      assertThat(channels.get(i).isOpen()).as("channel %d open", i).isEqualTo(i >= 7);
    }
    // Touching f7 makes it the most recent, so opening f0 again evicts f8, not f7.
    try (FileHandlePool.Lease lease = pool.acquire(files.get(7))) {
      assertThat(lease.channel()).isSameAs(channels.get(7));
    }
    try (FileHandlePool.Lease lease = pool.acquire(files.get(0))) {
      assertThat(readAll(lease.channel())).isEqualTo("content-0");
    }
    assertThat(channels.get(7).isOpen()).isTrue();
    assertThat(channels.get(8).isOpen()).isFalse();
    assertThat(channels.get(9).isOpen()).isTrue();
    assertThat(pool.openCount()).isEqualTo(3);
  }

  @Test
  void leasedChannelsAreNeverClosedEvenBeyondTheBound() throws Exception {
    FileHandlePool pool = new FileHandlePool(2);
    List<FileHandlePool.Lease> held = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      held.add(pool.acquire(file("held" + i, "held-" + i)));
    }
    assertThat(pool.openCount()).isEqualTo(6);
    // Opening more files evicts idle channels only; none is idle.
    for (int i = 0; i < 4; i++) {
      try (FileHandlePool.Lease lease = pool.acquire(file("other" + i, "other-" + i))) {
        assertThat(readAll(lease.channel())).isEqualTo("other-" + i);
      }
    }
    for (int i = 0; i < 6; i++) {
      FileChannel ch = held.get(i).channel();
      assertThat(ch.isOpen()).isTrue();
      assertThat(readAll(ch)).isEqualTo("held-" + i);
    }
    held.forEach(FileHandlePool.Lease::close);
    // Once released they are idle, and the next open brings the pool back within its bound.
    try (FileHandlePool.Lease lease = pool.acquire(file("last", "last"))) {
      assertThat(readAll(lease.channel())).isEqualTo("last");
    }
    assertThat(pool.openCount()).isLessThanOrEqualTo(2);
  }

  @Test
  void twoLeasesOnOneFileShareTheChannelAndADoubleReleaseIsHarmless() throws Exception {
    FileHandlePool pool = new FileHandlePool(1);
    FileHandlePool.SegmentFile f = file("a", "aaa");
    FileHandlePool.Lease first = pool.acquire(f);
    FileHandlePool.Lease second = pool.acquire(f);
    assertThat(second.channel()).isSameAs(first.channel());
    first.close();
    first.close(); // must not release the second lease's hold
    try (FileHandlePool.Lease other = pool.acquire(file("b", "bbb"))) {
      assertThat(readAll(other.channel())).isEqualTo("bbb");
    }
    assertThat(second.channel().isOpen()).isTrue();
    assertThat(readAll(second.channel())).isEqualTo("aaa");
    second.close();
  }

  @Test
  void retiringWithUnlinkKeepsALeasedChannelReadableUntilReleased() throws Exception {
    FileHandlePool pool = new FileHandlePool(4);
    FileHandlePool.SegmentFile f = file("seg.log", "still here");
    FileHandlePool.Lease lease = pool.acquire(f);
    pool.retire(f, true);
    assertThat(f.path()).doesNotExist();
    FileChannel ch = lease.channel();
    assertThat(ch.isOpen()).isTrue();
    assertThat(readAll(ch)).isEqualTo("still here");
    assertThat(pool.openCount()).isEqualTo(1);
    lease.close();
    assertThat(ch.isOpen()).isFalse();
    assertThat(pool.openCount()).isZero();
  }

  @Test
  void retiringAnIdleFileClosesItAtOnceAndLaterAcquiresFail() throws Exception {
    FileHandlePool pool = new FileHandlePool(4);
    FileHandlePool.SegmentFile idle = file("idle.log", "x");
    FileChannel ch;
    try (FileHandlePool.Lease lease = pool.acquire(idle)) {
      ch = lease.channel();
    }
    pool.retire(idle, false);
    assertThat(ch.isOpen()).isFalse();
    assertThat(pool.openCount()).isZero();
    assertThat(idle.path()).exists(); // without unlink the path may already name a replacement
    assertThatThrownBy(() -> pool.acquire(idle)).isInstanceOf(SegmentRetiredException.class);

    FileHandlePool.SegmentFile unlinked = file("unlinked.log", "y");
    pool.retire(unlinked, true);
    assertThat(unlinked.path()).doesNotExist();
    assertThatThrownBy(() -> pool.acquire(unlinked)).isInstanceOf(SegmentRetiredException.class);

    FileHandlePool.SegmentFile leased = file("leased.log", "z");
    try (FileHandlePool.Lease lease = pool.acquire(leased)) {
      pool.retire(leased, false);
      assertThatThrownBy(() -> pool.acquire(leased)).isInstanceOf(SegmentRetiredException.class);
      assertThat(readAll(lease.channel())).isEqualTo("z");
    }
  }

  @Test
  void renameKeepsAnOpenChannelValidAndLaterOpensUseTheNewPath() throws Exception {
    FileHandlePool pool = new FileHandlePool(1);
    FileHandlePool.SegmentFile f = file("seg.log.cleaned", "compacted");
    Path target = dir.resolve("seg.log");
    FileChannel ch;
    try (FileHandlePool.Lease lease = pool.acquire(f)) {
      ch = lease.channel();
      pool.rename(f, target);
      assertThat(f.path()).isEqualTo(target);
      assertThat(dir.resolve("seg.log.cleaned")).doesNotExist();
      assertThat(readAll(ch)).isEqualTo("compacted");
      ch.write(ByteBuffer.wrap("+more".getBytes(StandardCharsets.UTF_8)), ch.size());
    }
    assertThat(Files.readString(target)).isEqualTo("compacted+more");
    try (FileHandlePool.Lease lease = pool.acquire(f)) {
      assertThat(lease.channel()).isSameAs(ch);
    }
    // Evict it (bound 1), then acquire again: the pool reopens the file by its new name.
    try (FileHandlePool.Lease lease = pool.acquire(file("other", "o"))) {
      assertThat(readAll(lease.channel())).isEqualTo("o");
    }
    assertThat(ch.isOpen()).isFalse();
    try (FileHandlePool.Lease lease = pool.acquire(f)) {
      assertThat(readAll(lease.channel())).isEqualTo("compacted+more");
    }
  }

  @Test
  void concurrentReadersStayCorrectAndTheIdlePoolStaysBounded() throws Exception {
    FileHandlePool pool = new FileHandlePool(4);
    List<FileHandlePool.SegmentFile> files = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      files.add(file("c" + i, "payload-" + i));
    }
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(
            threads.submit(
                () -> {
                  int reads = 0;
                  for (int n = 0; n < 2_000; n++) {
                    int i = ThreadLocalRandom.current().nextInt(files.size());
                    try (FileHandlePool.Lease lease = pool.acquire(files.get(i))) {
                      assertThat(readAll(lease.channel())).isEqualTo("payload-" + i);
                      reads++;
                    }
                  }
                  return reads;
                }));
      }
      for (Future<Integer> f : done) {
        assertThat(f.get()).isEqualTo(2_000);
      }
    } finally {
      threads.shutdownNow();
    }
    // With 8 threads at most 8 leases overlap, so at most 8 + bound channels were ever needed.
    assertThat(pool.openCount()).isLessThanOrEqualTo(4 + 8);
    try (FileHandlePool.Lease lease = pool.acquire(file("after", "after"))) {
      assertThat(readAll(lease.channel())).isEqualTo("after");
    }
    assertThat(pool.openCount()).isLessThanOrEqualTo(4);
  }

  @Test
  void deletingAFileWhoseCloseIsSlowDoesNotHoldUpOtherFiles() throws Exception {
    FaultyChannel.Faults faults = new FaultyChannel.Faults();
    FileHandlePool pool = new FileHandlePool(8, faults.opener());
    FileHandlePool.SegmentFile old = file("old", "retired");
    FileHandlePool.SegmentFile active = file("active", "written");
    pool.acquire(old).close();
    CountDownLatch gate = new CountDownLatch(1);
    faults.closeGate.set(gate);
    ExecutorService retention = Executors.newSingleThreadExecutor();
    try {
      Future<?> retiring =
          retention.submit(
              () -> {
                pool.retire(old, true);
                return null;
              });
      // The retiring thread now waits in close; a writer still gets its lease at once.
      Thread.sleep(100);
      assertThat(retiring.isDone()).isFalse();
      Future<String> leased =
          Executors.newVirtualThreadPerTaskExecutor()
              .submit(
                  () -> {
                    try (FileHandlePool.Lease lease = pool.acquire(active)) {
                      return readAll(lease.channel());
                    }
                  });
      assertThat(leased.get(5, TimeUnit.SECONDS)).isEqualTo("written");
      assertThat(Files.exists(old.path())).as("unlinked before the close").isFalse();
      faults.closeGate.set(null);
      gate.countDown();
      retiring.get(5, TimeUnit.SECONDS);
    } finally {
      gate.countDown();
      retention.shutdownNow();
    }
  }
}
