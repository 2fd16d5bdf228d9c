package io.watershed.fuzz.oracle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Checks acknowledged records after a restart by reading them back with a KafkaConsumer (which also
 * checks every fetched batch's CRC): each must be at the offset its acknowledgement implies, with
 * the content that was sent. Records of excused topics (deleted, truncated or reconfigured by an
 * acknowledged request) are skipped and counted.
 */
public final class ReadBack {
  /** What the check found. */
  public record Result(
      long checked,
      long excused,
      long lost,
      long mismatched,
      List<String> problems,
      java.util.Set<String> goneTopics) {
    public boolean ok() {
      return lost == 0 && mismatched == 0 && problems.isEmpty();
    }
  }

  private static final int MAX_PROBLEMS = 50;
  private static final Duration PARTITION_TIMEOUT = Duration.ofSeconds(60);

  private ReadBack() {}

  /**
   * @param before the topics (id to name) when the phase began: a topic that is gone, or whose name
   *     now has another id, was deleted during the phase — by a fuzzed request whose answer may
   *     never have come back — and its records are excused, the topic listed in {@code goneTopics}
   */
  public static Result check(String bootstrap, Ledger ledger, Map<String, String> before)
      throws Exception {
    List<Ledger.Expected> all = ledger.expected();
    if (all.isEmpty()) {
      return new Result(0, 0, 0, 0, List.of(), java.util.Set.of());
    }
    Map<String, String> idToName = topicIds(bootstrap);
    Map<String, String> nameToId = new HashMap<>();
    idToName.forEach((id, n) -> nameToId.put(n, id));
    Map<String, String> nameToIdBefore = new HashMap<>();
    before.forEach((id, n) -> nameToIdBefore.put(n, id));
    java.util.Set<String> gone = new java.util.TreeSet<>();
    Map<TopicPartition, List<Ledger.Expected>> byPartition = new HashMap<>();
    long excused = 0;
    for (Ledger.Expected e : all) {
      String name = e.byId() ? idToName.get(e.topic()) : e.topic();
      if (ledger.excused(e.topic())
          || (name != null && ledger.excused(name))
          || (e.byId() && before.containsKey(e.topic()) && ledger.excused(before.get(e.topic())))) {
        excused += e.digests().length;
        continue;
      }
      boolean deleted =
          e.byId()
              ? name == null
              : !nameToId.containsKey(name)
                  || (nameToIdBefore.containsKey(name)
                      && !nameToIdBefore.get(name).equals(nameToId.get(name)));
      if (deleted) {
        gone.add(e.byId() ? before.getOrDefault(e.topic(), "?") + " (id " + e.topic() + ")" : name);
        excused += e.digests().length;
        continue;
      }
      byPartition
          .computeIfAbsent(new TopicPartition(name, e.partition()), k -> new ArrayList<>())
          .add(e);
    }
    long checked = 0;
    long lost = 0;
    long mismatched = 0;
    List<String> problems = new ArrayList<>();
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    p.put(ConsumerConfig.CHECK_CRCS_CONFIG, "true");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      for (Map.Entry<TopicPartition, List<Ledger.Expected>> entry : byPartition.entrySet()) {
        TopicPartition tp = entry.getKey();
        List<Ledger.Expected> batches = entry.getValue();
        batches.sort(Comparator.comparingLong(Ledger.Expected::baseOffset));
        long min = batches.get(0).baseOffset();
        long max = 0;
        for (Ledger.Expected e : batches) {
          max = Math.max(max, e.baseOffset() + e.digests().length - 1);
        }
        TreeMap<Long, ConsumerRecord<byte[], byte[]>> read = new TreeMap<>();
        String error = null;
        try {
          read = readRange(consumer, tp, min, max);
        } catch (RuntimeException ex) {
          error = ex.toString();
        }
        for (Ledger.Expected e : batches) {
          checked += e.digests().length;
          long[] got = new long[e.digests().length];
          int missing = 0;
          for (int i = 0; i < got.length; i++) {
            ConsumerRecord<byte[], byte[]> r = read.get(e.baseOffset() + i);
            if (r == null) {
              missing++;
            } else {
              got[i] = e.kind().of(r);
            }
          }
          if (missing > 0) {
            lost += missing;
            add(
                problems,
                String.format(
                    "LOST %d of %d acknowledged records of %s at offset %d (%s)%s",
                    missing,
                    got.length,
                    tp,
                    e.baseOffset(),
                    e.origin(),
                    error == null ? "" : ": " + error));
          } else if (!java.util.Arrays.equals(got, e.digests())
              && !(e.idempotencyKey() != 0 && ledger.isVariant(e.idempotencyKey(), got))) {
            mismatched += got.length;
            add(
                problems,
                String.format(
                    "MISMATCH: %s at offset %d holds other records than the %d acknowledged (%s)",
                    tp, e.baseOffset(), got.length, e.origin()));
          }
        }
      }
    }
    return new Result(
        checked, excused, lost, mismatched, List.copyOf(problems), java.util.Set.copyOf(gone));
  }

  private static TreeMap<Long, ConsumerRecord<byte[], byte[]>> readRange(
      KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long min, long max) {
    TreeMap<Long, ConsumerRecord<byte[], byte[]>> out = new TreeMap<>();
    consumer.assign(List.of(tp));
    long end = consumer.endOffsets(List.of(tp)).getOrDefault(tp, 0L);
    long start = consumer.beginningOffsets(List.of(tp)).getOrDefault(tp, 0L);
    consumer.seek(tp, Math.max(min, start));
    long deadline = System.nanoTime() + PARTITION_TIMEOUT.toNanos();
    long stop = Math.min(max + 1, end);
    while (consumer.position(tp) < stop && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
        if (r.offset() >= min && r.offset() <= max) {
          out.put(r.offset(), r);
        }
      }
    }
    return out;
  }

  /** Every topic's id (as kafka-clients prints it) and name, internal ones included. */
  public static Map<String, String> topicIds(String bootstrap) throws Exception {
    Map<String, String> out = new HashMap<>();
    try (Admin admin =
        Admin.create(
            Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      var names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
      for (TopicDescription d : admin.describeTopics(names).allTopicNames().get().values()) {
        out.put(d.topicId().toString(), d.name());
      }
    }
    return out;
  }

  private static void add(List<String> problems, String p) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(p);
    }
  }
}
