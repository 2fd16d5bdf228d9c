package io.watershed.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the JMH JSON results of {@code bench/log-bench.sh} (several rounds) into the table of
 * {@code docs/BENCHMARKS.md}: MB/s per case with min/median/max over rounds, and each log figure as
 * a ratio of the disk baseline measured in the same round.
 */
public final class LogBenchReport {
  private static final double MB = 1_000_000.0;

  /** Payload bytes of one operation of each benchmark. */
  private static double bytesPerOp(String benchmark) {
    if (benchmark.endsWith("DiskWriteBaseline.write16k")
        || benchmark.contains("LogAppendBenchmark.append")) {
      return 16 * 1024;
    }
    if (benchmark.endsWith("LogReadBenchmark.readSlice")) {
      // A slice is 1 MiB; the partial batch at its end (< 16.5 KiB) is read again next time.
      return (1 << 20) - 16.5 * 1024;
    }
    throw new IllegalArgumentException("unknown benchmark " + benchmark);
  }

  private LogBenchReport() {}

  public static void main(String[] args) throws IOException {
    ObjectMapper json = new ObjectMapper();
    // round -> case -> MB/s
    Map<Integer, Map<String, Double>> rounds = new LinkedHashMap<>();
    for (String file : args) {
      int round =
          Integer.parseInt(Path.of(file).getFileName().toString().replaceAll("\\D*(\\d+).*", "$1"));
      for (JsonNode r : json.readTree(Path.of(file).toFile())) {
        String benchmark = r.get("benchmark").asText();
        String name = caseName(benchmark, r.get("threads").asInt(), r.get("params"));
        double mbs = r.get("primaryMetric").get("score").asDouble() * bytesPerOp(benchmark) / MB;
        rounds.computeIfAbsent(round, k -> new LinkedHashMap<>()).put(name, mbs);
      }
    }
    Map<String, List<Double>> values = new LinkedHashMap<>();
    Map<String, List<Double>> ratios = new LinkedHashMap<>();
    for (Map<String, Double> round : rounds.values()) {
      for (Map.Entry<String, Double> e : round.entrySet()) {
        values.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        String peer = peerOf(e.getKey());
        if (peer != null && round.containsKey(peer)) {
          ratios
              .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
              .add(e.getValue() / round.get(peer));
        }
      }
    }
    System.out.println(
        "| case | MB/s min / median / max | vs. disk baseline (same round) min / median / max |");
    System.out.println("|---|---|---|");
    for (Map.Entry<String, List<Double>> e : values.entrySet()) {
      List<Double> r = ratios.get(e.getKey());
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s |%n",
          e.getKey(),
          triple(e.getValue(), "%.0f"),
          r == null ? "(baseline)" : triple(r, "%.2f×") + " of " + peerOf(e.getKey()));
    }
    System.out.println();
    System.out.println("rounds: " + rounds.size());
  }

  private static String caseName(String benchmark, int threads, JsonNode params) {
    String simple =
        benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
    StringBuilder p = new StringBuilder();
    boolean threaded = benchmark.endsWith("LogAppendBenchmark.append");
    if (params != null) {
      params
          .properties()
          .forEach(
              f -> {
                if (!(threaded && f.getKey().equals("inFlight"))) {
                  p.append(' ').append(f.getKey()).append('=').append(f.getValue().asText());
                }
              });
    }
    if (threaded) {
      p.append(" threads=").append(threads);
    }
    return simple + p;
  }

  /** The baseline each log case is compared with. */
  private static String peerOf(String name) {
    if (name.startsWith("DiskWriteBaseline")) {
      return null;
    }
    if (name.startsWith("LogReadBenchmark")) {
      return "DiskWriteBaseline.write16k mode=buffered";
    }
    if (!name.contains("flush=durable")) {
      return "DiskWriteBaseline.write16k mode=buffered";
    }
    // One writer waits for an fsync per 16 KiB batch; many writers share fsyncs (group commit).
    boolean single = name.endsWith("inFlight=1") || name.endsWith("threads=1");
    return single
        ? "DiskWriteBaseline.write16k mode=fdatasync-16k"
        : "DiskWriteBaseline.write16k mode=fdatasync-1m";
  }

  private static String triple(List<Double> v, String format) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    double median =
        s.size() % 2 == 1
            ? s.get(s.size() / 2)
            : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    return String.format(Locale.ROOT, format, s.getFirst())
        + " / "
        + String.format(Locale.ROOT, format, median)
        + " / "
        + String.format(Locale.ROOT, format, s.getLast());
  }
}
