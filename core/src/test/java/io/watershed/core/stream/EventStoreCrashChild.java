package io.watershed.core.stream;

import io.watershed.core.topic.TopicStore;
import io.watershed.log.LogManagerConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The process {@link EventStoreCrashTest} kills: opens the store in {@code args[0]} (recovering
 * whatever the last kill left) and appends from {@link #THREADS} threads, each to its own {@link
 * #STREAMS_PER_THREAD} streams with exact expected revisions, 1–3 events at a time. Every event's
 * data is {@code <stream>@<revision>}. Prints {@code READY}, then {@code ACK <stream> <last
 * revision>} for each acknowledged append.
 */
public final class EventStoreCrashChild {
  static final int THREADS = 4;
  static final int STREAMS_PER_THREAD = 10;

  private EventStoreCrashChild() {}

  static String stream(int thread, int n) {
    return "crash-" + thread + "x" + n;
  }

  static byte[] data(String stream, long revision) {
    return (stream + "@" + revision).getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
    TopicStore topics =
        TopicStore.open(dir.resolve("data"), LogManagerConfig.defaults(dir.resolve("data")));
    IndexedEventStore store =
        IndexedEventStore.open(topics, dir.resolve("index"), EventStoreLimits.DEFAULT);
    out.println("READY");
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Thread w =
          new Thread(
              () -> {
                long[] last = new long[STREAMS_PER_THREAD];
                for (int n = 0; n < STREAMS_PER_THREAD; n++) {
                  last[n] = store.lastRevision(stream(thread, n));
                }
                for (int i = 0; ; i++) {
                  int n = i % STREAMS_PER_THREAD;
                  String s = stream(thread, n);
                  int count = 1 + i % 3;
                  List<ProposedEvent> events = new ArrayList<>();
                  for (int k = 0; k < count; k++) {
                    events.add(
                        new ProposedEvent(
                            UUID.randomUUID(),
                            "Crashed",
                            "application/octet-stream",
                            data(s, last[n] + 1 + k),
                            new byte[0]));
                  }
                  ExpectedRevision expected =
                      last[n] < 0 ? ExpectedRevision.NO_STREAM : ExpectedRevision.exact(last[n]);
                  AppendOutcome o = store.append(s, expected, events).join();
                  last[n] = o.lastRevision();
                  out.println("ACK " + s + " " + o.lastRevision());
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
