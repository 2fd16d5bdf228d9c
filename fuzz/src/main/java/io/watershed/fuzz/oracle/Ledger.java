package io.watershed.fuzz.oracle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the server acknowledged during a phase: batches of records it said it stored (where, and a
 * digest of each record as sent), the topics an acknowledged deletion or reconfiguration touched
 * (their records are excused), and findings seen already at acknowledgement time. Thread-safe.
 */
public final class Ledger {
  /**
   * Records the server acknowledged at consecutive offsets from {@code baseOffset}.
   *
   * @param topic the topic's name, or its id when {@code byId}
   * @param idempotencyKey non-zero when the server may have answered with an earlier write of the
   *     same producer sequence or event ids (a retry), whose variants {@link #variants} holds
   * @param origin which input acknowledged it, for reports
   */
  public record Expected(
      String topic,
      boolean byId,
      int partition,
      long baseOffset,
      long[] digests,
      DigestKind kind,
      long idempotencyKey,
      String origin) {}

  private static final int MAX_FINDINGS = 200;

  private final List<Expected> expected = new ArrayList<>();
  private final Map<Long, Set<List<Long>>> variants = new HashMap<>();
  private final Set<String> excusedTopics = new HashSet<>();
  private final List<String> findings = new ArrayList<>();
  private boolean allExcused;
  private final ThreadLocal<Long> input = ThreadLocal.withInitial(() -> -1L);

  /** The input whose answers this thread settles now, named in what it records. */
  public void settling(long index) {
    input.set(index);
  }

  private String tag(String origin) {
    long i = input.get();
    return i < 0 ? origin : origin + ", input " + i;
  }

  private long findingCount;

  public synchronized void expect(Expected e) {
    expected.add(
        new Expected(
            e.topic(),
            e.byId(),
            e.partition(),
            e.baseOffset(),
            e.digests(),
            e.kind(),
            e.idempotencyKey(),
            tag(e.origin())));
  }

  /** A variant of a retried write that was sent (and may have been stored first). */
  public synchronized void variant(long idempotencyKey, long[] digests) {
    variants.computeIfAbsent(idempotencyKey, k -> new HashSet<>()).add(box(digests));
  }

  public synchronized void excuse(String topic) {
    excusedTopics.add(topic);
  }

  /** An acknowledged change that may touch any topic (a broker-wide config). */
  public synchronized void excuseAll() {
    allExcused = true;
  }

  public synchronized void finding(String what) {
    findingCount++;
    if (findings.size() < MAX_FINDINGS) {
      findings.add(input.get() < 0 ? what : what + " [input " + input.get() + "]");
    }
  }

  public synchronized List<Expected> expected() {
    return List.copyOf(expected);
  }

  public synchronized boolean excused(String topic) {
    return allExcused || excusedTopics.contains(topic);
  }

  public synchronized boolean isVariant(long idempotencyKey, long[] digests) {
    Set<List<Long>> v = variants.get(idempotencyKey);
    return v != null && v.contains(box(digests));
  }

  public synchronized List<String> findings() {
    return List.copyOf(findings);
  }

  public synchronized long findingCount() {
    return findingCount;
  }

  public synchronized long expectedRecords() {
    long n = 0;
    for (Expected e : expected) {
      n += e.digests().length;
    }
    return n;
  }

  /** Forgets the acknowledgements (after they were checked); keeps findings and variants. */
  public synchronized void clearExpected() {
    expected.clear();
  }

  private static List<Long> box(long[] digests) {
    List<Long> l = new ArrayList<>(digests.length);
    for (long d : digests) {
      l.add(d);
    }
    return l;
  }
}
