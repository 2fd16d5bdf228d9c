package io.watershed.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.watershed.log.format.Record;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends with the durable flush policy and is killed with SIGKILL at random moments;
 * after each kill, every acknowledged append must be present and byte-identical, offsets
 * contiguous, and nothing torn served.
 */
class CrashRecoveryTest {
  private static final int ROUNDS = 20;

  @TempDir Path root;

  private record Ack(int thread, long seq, long first, long last) {}

  @Test
  void everyAcknowledgedAppendSurvivesSigkill() throws Exception {
    Random random = new Random(42);
    List<Ack> acked = new ArrayList<>();
    long nextSeq = 0;
    for (int round = 0; round < ROUNDS; round++) {
      List<Ack> roundAcks = runAndKill(nextSeq, 150 + random.nextInt(700));
      acked.addAll(roundAcks);
      for (Ack a : roundAcks) {
        nextSeq = Math.max(nextSeq, a.seq + 1);
      }
      nextSeq += 1_000_000; // unacknowledged appends of this round may be in the log too
      verify(acked, round % 2 == 0);
    }
    assertThat(acked).hasSizeGreaterThan(ROUNDS);
  }

  private List<Ack> runAndKill(long firstSeq, long runMillis) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=none",
                "-Xmx256m",
                CrashChild.class.getName(),
                root.toString(),
                Long.toString(firstSeq))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<Ack> acks = new ArrayList<>();
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.equals("READY")) {
                    ready.countDown();
                  }
                  String[] p = line.split(" ");
                  if (p.length == 5 && p[0].equals("ACK")) {
                    synchronized (acks) {
                      acks.add(
                          new Ack(
                              Integer.parseInt(p[1]),
                              Long.parseLong(p[2]),
                              Long.parseLong(p[3]),
                              Long.parseLong(p[4])));
                    }
                  }
                }
              } catch (Exception ignored) {
                // The stream breaks when the child is killed; what was read is what counts.
              }
            });
    reader.start();
    assertThat(ready.await(60, TimeUnit.SECONDS)).as("child opened the log").isTrue();
    Thread.sleep(runMillis);
    child.destroyForcibly(); // SIGKILL
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    reader.join(5000);
    synchronized (acks) {
      return new ArrayList<>(acks);
    }
  }

  private void verify(List<Ack> acked, boolean leaveUnclean) throws Exception {
    try (LogManager manager = LogManager.open(LogManagerConfig.defaults(root))) {
      assertThat(manager.wasCleanStart()).isFalse();
      PartitionLog log = manager.partition(CrashChild.PARTITION, CrashChild.CONFIG);
      List<Record> all = TestBatches.readAll(log, 0);
      for (int i = 0; i < all.size(); i++) {
        assertThat(all.get(i).offset()).as("offsets are contiguous").isEqualTo(i);
      }
      assertThat((long) all.size()).isEqualTo(log.logEndOffset());
      for (Ack a : acked) {
        int count = (int) (a.last - a.first + 1);
        assertThat(a.last).as("acknowledged offsets exist").isLessThan(all.size());
        for (int i = 0; i < count; i++) {
          Record r = all.get((int) a.first + i);
          assertThat(r.keyBytes()).isEqualTo(CrashChild.key(a.thread, a.seq, i));
          assertThat(r.valueBytes()).isEqualTo(CrashChild.value(a.thread, a.seq, i));
        }
      }
    }
    if (leaveUnclean) {
      // Half the rounds the child itself has to recover, not this verifier.
      Files.deleteIfExists(root.resolve(LogManager.CLEAN_SHUTDOWN));
    }
  }
}
