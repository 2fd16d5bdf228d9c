package io.watershed.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A group of three consumers on a six-partition topic, against the server process: one member
 * leaves (closes), one is killed (its JVM gets SIGKILL, so only the session timeout notices), and
 * the survivors take over. With a commit after every poll, every record is consumed, and no record
 * whose commit succeeded is delivered again (a record the killed member processed but had not
 * committed may rightly come again). Run for the classic protocol and for {@code
 * group.protocol=consumer}.
 */
class KafkaGroupsTest {
  static final int RECORDS = 6000;
  @TempDir Path dir;

  static Map<String, Object> groupConfig(String group, String protocol) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
    if (protocol.equals("classic")) {
      c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
      c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000);
    }
    return c;
  }

  /** The offsets to commit after processing {@code records}: one past each partition's last. */
  static Map<TopicPartition, OffsetAndMetadata> nextOffsets(
      ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> of = records.records(tp);
      next.put(tp, new OffsetAndMetadata(of.get(of.size() - 1).offset() + 1));
    }
    return next;
  }

  /**
   * Per record: each processing and the first successful commit, stamped from one clock. A record
   * processed again after a commit that covered it is a duplicate the group must never produce; a
   * record processed again after a processing that was never committed (the killed member's last
   * poll) may rightly come again.
   */
  static final class Tally {
    final AtomicLong clock = new AtomicLong();
    final Map<String, List<Processing>> processed = new ConcurrentHashMap<>();
    final Map<String, Long> firstCommit = new ConcurrentHashMap<>();

    record Processing(long at, String who) {}

    void processed(String value, String who) {
      processed
          .computeIfAbsent(value, v -> java.util.Collections.synchronizedList(new ArrayList<>()))
          .add(new Processing(clock.incrementAndGet(), who));
    }

    void committed(List<String> values) {
      long at = clock.incrementAndGet();
      for (String v : values) {
        firstCommit.putIfAbsent(v, at);
      }
    }

    int committedCount() {
      return firstCommit.size();
    }

    /** The processings of {@code value} that came after a commit had covered it. */
    List<Processing> afterCommit(String value) {
      Long committedAt = firstCommit.get(value);
      List<Processing> all = processed.getOrDefault(value, List.of());
      if (committedAt == null) {
        return List.of();
      }
      synchronized (all) {
        return all.stream().filter(p -> p.at() > committedAt).toList();
      }
    }
  }

  /** Consumes in a thread, committing after each poll. */
  static final class Member {
    final Thread thread;
    final AtomicBoolean running = new AtomicBoolean(true);

    Member(String bootstrap, String group, String protocol, Tally tally) {
      thread =
          new Thread(
              () -> {
                try (KafkaConsumer<byte[], byte[]> consumer =
                    KafkaClients.consumer(bootstrap, groupConfig(group, protocol))) {
                  consumer.subscribe(List.of("orders"));
                  while (running.get()) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    if (records.isEmpty()) {
                      continue;
                    }
                    List<String> batch = new ArrayList<>();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                      String v = new String(r.value(), StandardCharsets.UTF_8);
                      tally.processed(
                          v,
                          Thread.currentThread().getName()
                              + " "
                              + r.partition()
                              + "@"
                              + r.offset());
                      batch.add(v);
                    }
                    try {
                      consumer.commitSync(nextOffsets(records));
                      tally.committed(batch);
                    } catch (RuntimeException e) {
                      // Refused (the partitions moved on in a rebalance): may rightly come again.
                    }
                    Thread.sleep(20); // slow consumers, so the membership changes mid-stream
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(60_000);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"classic", "consumer"})
  void membersLeavingAndDyingLoseNothingAndRepeatNothing(String protocol) throws Exception {
    try (WatershedProcess server =
        new WatershedProcess(
                dir.resolve("data"), "--set", "kafka.group.consumer.session.timeout.ms=6000")
            .start()) {
      String bootstrap = server.kafkaBootstrap();
      try (Admin admin = KafkaClients.admin(bootstrap)) {
        admin.createTopics(List.of(new NewTopic("orders", 6, (short) 1))).all().get();
      }
      // Where each record landed, as the broker acknowledged it: named in a failure.
      Map<String, String> placed = new ConcurrentHashMap<>();
      try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of())) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
          String v = "r" + i;
          sends.add(
              producer.send(
                  new ProducerRecord<>(
                      "orders",
                      ("k" + i).getBytes(StandardCharsets.UTF_8),
                      v.getBytes(StandardCharsets.UTF_8)),
                  (m, e) ->
                      placed.put(v, e == null ? m.partition() + "@" + m.offset() : e.toString())));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sends) {
          f.get(); // every record acknowledged
        }
      }
      Tally tally = new Tally();
      String group = "g-" + protocol;

      Child child = startChild(bootstrap, group, protocol, tally);
      Member leaving = new Member(bootstrap, group, protocol, tally);
      Member staying = new Member(bootstrap, group, protocol, tally);
      awaitCommitted(tally, RECORDS / 4);
      leaving.stop(); // leaves the group: a rebalance
      awaitCommitted(tally, RECORDS / 2);
      child.kill(); // SIGKILL: only the session timeout notices
      awaitProcessed(tally, RECORDS, placed);
      Thread.sleep(1000); // a duplicate, if any, would arrive now
      staying.stop();

      List<String> missing = new ArrayList<>();
      List<String> twice = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        String v = "r" + i;
        if (!tally.processed.containsKey(v)) {
          missing.add(v);
        } else if (!tally.afterCommit(v).isEmpty()) {
          twice.add(v + " " + tally.processed.get(v) + " committed at " + tally.firstCommit.get(v));
        }
      }
      assertThat(missing).as("records never consumed").isEmpty();
      assertThat(twice).as("committed records delivered again").isEmpty();
    }
  }

  private static void awaitCommitted(Tally tally, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (tally.committedCount() < n && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(tally.committedCount()).as("records committed so far").isGreaterThanOrEqualTo(n);
  }

  private static void awaitProcessed(Tally tally, int n, Map<String, String> placed)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (tally.processed.size() < n && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    List<String> missing =
        placed.entrySet().stream()
            .filter(e -> !tally.processed.containsKey(e.getKey()))
            .map(e -> e.getKey() + " at " + e.getValue())
            .sorted()
            .limit(50)
            .toList();
    assertThat(tally.processed.size())
        .as("records processed so far; some never processed: %s", missing)
        .isGreaterThanOrEqualTo(n);
  }

  /**
   * The member in another JVM: its process, the thread that reads its lines live, and its journal
   * (the same lines, in a file).
   */
  private record Child(Process process, Thread reader, Path journal, Tally tally) {
    /**
     * Kills it with SIGKILL, then takes from its journal what the pipe lost: lines the killed JVM
     * had written that never came through (a record counts as processed only if the child's own
     * line says so).
     */
    void kill() throws Exception {
      process.destroyForcibly();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      ChildLines settle = new ChildLines(tally, true, new CountDownLatch(1));
      for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
        settle.accept(line);
      }
    }
  }

  /** Tells the tally what the child's lines say, one source of lines (the pipe, the journal). */
  private static final class ChildLines {
    private final Tally tally;
    private final boolean onlyWhatIsMissing;
    private final CountDownLatch started;
    private List<String> batch = new ArrayList<>();

    ChildLines(Tally tally, boolean onlyWhatIsMissing, CountDownLatch started) {
      this.tally = tally;
      this.onlyWhatIsMissing = onlyWhatIsMissing;
      this.started = started;
    }

    void accept(String line) {
      if (line.equals("STARTED")) {
        started.countDown();
      } else if (line.startsWith("PROCESSED ")) {
        String[] parts = line.split(" ");
        String v = parts[1];
        if (!onlyWhatIsMissing || !tally.processed.containsKey(v)) {
          tally.processed(v, "child " + parts[2]);
        }
        batch.add(v);
      } else if (line.equals("COMMITTED")) {
        tally.committed(batch); // a value committed before keeps its first commit
        batch = new ArrayList<>();
      } else if (line.startsWith("COMMIT-FAILED")) {
        batch = new ArrayList<>();
      }
    }
  }

  private static Child startChild(String bootstrap, String group, String protocol, Tally tally)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.createDirectories(Path.of("target", "it-logs"));
    Path journal =
        Files.createTempFile(Path.of("target", "it-logs"), "group-child-journal-", ".log");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                GroupConsumerChild.class.getName(),
                bootstrap,
                "orders",
                group,
                protocol,
                journal.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    CountDownLatch started = new CountDownLatch(1);
    ChildLines live = new ChildLines(tally, false, started);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                PrintWriter log =
                    new PrintWriter(
                        Files.newBufferedWriter(
                            Files.createTempFile(
                                Path.of("target", "it-logs"), "group-child-", ".log")),
                        true);
                while ((line = in.readLine()) != null) {
                  log.println(line);
                  live.accept(line);
                }
              } catch (Exception ignored) {
                // killed
              }
            });
    reader.setDaemon(true);
    reader.start();
    assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
    return new Child(p, reader, journal, tally);
  }
}
