import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Summarises bench/kafka-bench.sh: reads {@code kafka-<round>-<system>.txt} ("metric value" per
 * line) and prints a Markdown table with, per metric, each system's median and range over the
 * rounds and the Watershed/Kafka ratio computed per round (so that drift between rounds cancels).
 *
 * <pre>java bench/kafka/KafkaBenchReport.java bench/work/results</pre>
 */
public final class KafkaBenchReport {
  private static final Pattern FILE = Pattern.compile("kafka-(\\d+)-(watershed|kafka)\\.txt");

  /** What each metric is, and whether a larger value is better. */
  private record Metric(String label, boolean higherIsBetter) {}

  private static final Map<String, Metric> METRICS = new LinkedHashMap<>();

  static {
    METRICS.put("startup_ms", new Metric("start-up to first Metadata (ms)", false));
    METRICS.put("listening_ms", new Metric("  start-up to the port accepting (ms)", false));
    METRICS.put("p1_records_per_s", new Metric("produce 100 B, acks=1, 1 partition (rec/s)", true));
    METRICS.put("p1_p99_ms", new Metric("  its p99 send latency (ms)", false));
    METRICS.put("p1_broker_cpu_us_per_record", new Metric("  broker CPU per record (µs)", false));
    METRICS.put("p1x6_records_per_s", new Metric("the same on 6 partitions (rec/s)", true));
    METRICS.put("k1_records_per_s", new Metric("produce 1 KiB, acks=all, 1 partition (rec/s)", true));
    METRICS.put("k1_p99_ms", new Metric("  its p99 send latency (ms)", false));
    METRICS.put("k6_records_per_s", new Metric("the same on 6 partitions (rec/s)", true));
    METRICS.put("k6_p99_ms", new Metric("  its p99 send latency (ms)", false));
    METRICS.put(
        "consume_records_per_s", new Metric("consume 100 B, 1 partition, with join (rec/s)", true));
    METRICS.put("consume_fetch_records_per_s", new Metric("  while fetching (rec/s)", true));
    METRICS.put("e2e_p50_ms", new Metric("end-to-end latency p50 (ms)", false));
    METRICS.put("e2e_p99_ms", new Metric("end-to-end latency p99 (ms)", false));
    METRICS.put("e2e_p999_ms", new Metric("end-to-end latency p99.9 (ms)", false));
    METRICS.put("peak_rss_mb", new Metric("broker peak resident memory (MB)", false));
    METRICS.put(
        "durable_k6_records_per_s",
        new Metric("fsync before ack: 1 KiB, acks=all, 6 partitions (rec/s)", true));
    METRICS.put("durable_k6_p99_ms", new Metric("  its p99 send latency (ms)", false));
  }

  public static void main(String[] args) throws IOException {
    // round -> system -> metric -> value
    Map<Integer, Map<String, Map<String, Double>>> rounds = new TreeMap<>();
    try (Stream<Path> files = Files.list(Path.of(args[0]))) {
      for (Path f : files.toList()) {
        Matcher m = FILE.matcher(f.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(f)) {
          String[] kv = line.trim().split("\\s+");
          if (kv.length == 2) {
            try {
              values.put(kv[0], Double.parseDouble(kv[1]));
            } catch (NumberFormatException unparsable) {
              System.err.println("ignored in " + f + ": " + line);
            }
          }
        }
        rounds
            .computeIfAbsent(Integer.parseInt(m.group(1)), r -> new TreeMap<>())
            .put(m.group(2), values);
      }
    }
    System.out.printf("%d round(s)%n%n", rounds.size());
    System.out.println(
        "| metric | Watershed median (min–max) | Kafka median (min–max) |"
            + " Watershed/Kafka median (min–max) |");
    System.out.println("|---|---|---|---|");
    for (Map.Entry<String, Metric> e : METRICS.entrySet()) {
      List<Double> w = new ArrayList<>();
      List<Double> k = new ArrayList<>();
      List<Double> ratio = new ArrayList<>();
      for (Map<String, Map<String, Double>> round : rounds.values()) {
        Double wv = round.getOrDefault("watershed", Map.of()).get(e.getKey());
        Double kv = round.getOrDefault("kafka", Map.of()).get(e.getKey());
        if (wv != null) {
          w.add(wv);
        }
        if (kv != null) {
          k.add(kv);
        }
        if (wv != null && kv != null && kv != 0) {
          ratio.add(wv / kv);
        }
      }
      if (w.isEmpty() && k.isEmpty()) {
        continue;
      }
      System.out.printf(
          "| %s (%s is better) | %s | %s | %s |%n",
          e.getValue().label(),
          e.getValue().higherIsBetter() ? "higher" : "lower",
          spread(w, "%.1f"),
          spread(k, "%.1f"),
          spread(ratio, "%.2f×"));
    }
  }

  private static String spread(List<Double> values, String format) {
    if (values.isEmpty()) {
      return "–";
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median =
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return String.format(format, median)
        + " ("
        + String.format(format, sorted.get(0))
        + "–"
        + String.format(format, sorted.get(n - 1))
        + ")";
  }
}
