package io.watershed.kinesis.catalog;

import io.watershed.core.coordinator.CoordinatorConfig;
import io.watershed.core.coordinator.CoordinatorRuntime;
import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The process {@link CatalogCrashTest} kills: opens the catalog in {@code args[0]} (recovering
 * whatever the last kill left) and, from {@link #THREADS} threads, each on its own {@link
 * #STREAMS_PER_THREAD} streams, sets the tag {@code n} of a stream to a growing number. Prints
 * {@code READY}, then {@code ACK <stream> <n>} once each change is durable.
 */
public final class CatalogCrashChild {
  static final int THREADS = 4;
  static final int STREAMS_PER_THREAD = 4;

  private CatalogCrashChild() {}

  static String stream(int thread, int n) {
    return "crash-" + thread + "x" + n;
  }

  static long tag(StreamEntry s) {
    return Long.parseLong(s.tags().getOrDefault("n", "-1"));
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
    TopicStore topics =
        TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
    CoordinatorRuntime runtime = CoordinatorRuntime.open(topics, CoordinatorConfig.DEFAULTS);
    KinesisCatalog catalog = KinesisCatalog.open(runtime, dir.resolve("kinesis"));
    out.println("READY");
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Thread w =
          new Thread(
              () -> {
                try {
                  for (long i = 0; ; i++) {
                    String name = stream(thread, (int) (i % STREAMS_PER_THREAD));
                    StreamEntry next =
                        catalog.update(
                            name,
                            (current, all) -> {
                              long n = current == null ? 0 : tag(current) + 1;
                              TreeMap<String, String> tags = new TreeMap<>();
                              tags.put("n", Long.toString(n));
                              StreamEntry base =
                                  current != null
                                      ? current
                                      : StreamEntry.create(name, 2, "PROVISIONED", 24, 1, true);
                              return base.with(b -> b.tags = tags);
                            });
                    out.println("ACK " + name + " " + tag(next));
                  }
                } catch (Exception e) {
                  e.printStackTrace();
                }
              });
      w.start();
      threads.add(w);
    }
    for (Thread w : threads) {
      w.join();
    }
  }
}
