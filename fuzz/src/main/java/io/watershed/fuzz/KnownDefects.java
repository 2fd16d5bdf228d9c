package io.watershed.fuzz;

import java.util.List;

/**
 * Defects the fuzzer found that are reported and not fixed yet, each with the issue text and what
 * identifies its findings. A finding matched here is reported as known instead of failing a run;
 * every other finding fails it. An entry is removed when its fix lands (the run then fails if the
 * defect comes back).
 */
public final class KnownDefects {
  /**
   * One reported defect.
   *
   * @param name a short name, printed with each finding it matches
   * @param issue what happens, for whoever fixes it
   * @param markers texts of which every finding (or ERROR log excerpt) of this defect contains one
   */
  public record Defect(String name, String issue, List<String> markers) {
    boolean matches(String finding) {
      return markers.stream().anyMatch(finding::contains);
    }
  }

  /** The defects known today. */
  public static final List<Defect> ALL =
      List.of(
          new Defect(
              "kinesis-h2c-request-leak",
              "Kinesis door over h2c: the FullHttpRequest that Http2StreamFrameToHttpObjectCodec"
                  + " makes from a HEADERS frame ending the stream (HttpConversionUtil"
                  + ".toFullHttpRequest) is, on some damaged connection, never released: Netty's"
                  + " leak detector (which samples about 1 % of buffers) logged ERROR 'LEAK:"
                  + " ByteBuf.release() was not called' once in 300,000 Kinesis inputs of the long"
                  + " run, so direct memory leaks at about a hundred times that rate.",
              List.of("HttpConversionUtil.toFullHttpRequest")),
          new Defect(
              "stop-budget-with-many-partitions",
              "Server: a clean stop has a fixed budget of 5 s; with ~10,000 partitions (fuzzed"
                  + " CreateTopics and CreatePartitions made 'fuzz-ordazs' with 8,195 partitions and"
                  + " 'fUZz-admin' with 2,570 — no limit refuses them) closing them takes longer"
                  + " (191 ms, 521 ms, 1 s, then > 5 s as they grew), the server logs ERROR 'did not"
                  + " stop cleanly within 5 s; exiting anyway' and exits with 1 on SIGTERM, so the"
                  + " next start recovers every partition. Narrowed since: one fsync per written"
                  + " partition at a stop instead of four, on 32 closers; 10,000 partitions with a"
                  + " record each stop in 4.4-4.8 s on the 2-core machine.",
              List.of("did not stop cleanly within 5 s", "exited with 1 on SIGTERM")));

  private KnownDefects() {}

  /** The known defect a finding belongs to, or null when it is new. */
  public static Defect match(String finding) {
    for (Defect d : ALL) {
      if (d.matches(finding)) {
        return d;
      }
    }
    return null;
  }
}
