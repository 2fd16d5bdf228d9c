package io.watershed.fuzz;

import io.watershed.fuzz.admin.AdminFuzzer;
import io.watershed.fuzz.engine.DoorFuzzer;
import io.watershed.fuzz.engine.Exchange;
import io.watershed.fuzz.engine.Outcome;
import io.watershed.fuzz.engine.Plan;
import io.watershed.fuzz.engine.Watchdog;
import io.watershed.fuzz.eventstore.EventStoreFuzzer;
import io.watershed.fuzz.kafka.KafkaFuzzer;
import io.watershed.fuzz.kinesis.KinesisFuzzer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The command line of {@code bin/fuzz}: long campaigns against one door or all of them, and the
 * replay of a single input.
 */
public final class FuzzMain {
  private static final String USAGE =
      """
      usage: bin/fuzz [--door kafka|kinesis|eventstore|admin|all] [--inputs N] [--seed S]
                      [--phase-inputs N] [--workers N] [--kill-every K] [--work-dir DIR]
                      [--answer-wait-ms MS] [--hang-ms MS] [--rss-limit-mib MIB] [--thread-limit N]
                      [--writes-only]
             bin/fuzz replay --door D --seed S --input I [--to J] [--writes-only]
                 send input I (printed in hex), or inputs I..J one at a time (the first to log each
                 distinct ERROR, and those that hung or crashed the server, are printed), to a
                 fresh server (--writes-only for inputs of a writes-only phase: every third)
             bin/fuzz record [DIR]                              re-record the corpus

      Defaults: --door all --inputs 1000000 --seed 42 --phase-inputs 100000 --workers 8
      --kill-every 3 (every third phase ends with kill -9) --answer-wait-ms 2000 --hang-ms 5000
      --rss-limit-mib 1536 --thread-limit 400 --work-dir target/fuzz-<time>.
      Phases take every recorded request in turn, except every third, which takes only the door's
      append path (Produce, PutRecord(s), appends); --writes-only makes every phase so.
      Prints one line per phase; exits 0 when no oracle found anything, 1 otherwise.
      """;

  private FuzzMain() {}

  public static DoorFuzzer fuzzer(Door door, Mix mix) {
    return switch (door) {
      case KAFKA -> new KafkaFuzzer(mix);
      case EVENTSTORE -> new EventStoreFuzzer(mix);
      case KINESIS -> new KinesisFuzzer(mix);
      case ADMIN -> new AdminFuzzer(mix);
    };
  }

  public static void main(String[] args) throws Exception {
    String door = "all";
    long inputs = 1_000_000;
    long seed = 42;
    long phaseInputs = 100_000;
    int workers = 8;
    int killEvery = 3;
    long answerWait = 2000;
    long hang = 5000;
    long rssLimit = 1536;
    int threadLimit = 400;
    Long replayInput = null;
    Long replayTo = null;
    Mix mix = Mix.ALL;
    Path workDir = Path.of("target", "fuzz-" + Instant.now().toString().replace(':', '-'));
    boolean replay = args.length > 0 && args[0].equals("replay");
    for (int i = replay ? 1 : 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        System.out.print(USAGE);
        return;
      }
      if (a.equals("--writes-only")) {
        mix = Mix.WRITES;
        continue;
      }
      if (i + 1 >= args.length) {
        usage("missing value for " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--door" -> door = v.toLowerCase(Locale.ROOT);
        case "--inputs" -> inputs = Long.parseLong(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--phase-inputs" -> phaseInputs = Long.parseLong(v);
        case "--workers" -> workers = Integer.parseInt(v);
        case "--kill-every" -> killEvery = Integer.parseInt(v);
        case "--work-dir" -> workDir = Path.of(v);
        case "--answer-wait-ms" -> answerWait = Long.parseLong(v);
        case "--hang-ms" -> hang = Long.parseLong(v);
        case "--rss-limit-mib" -> rssLimit = Long.parseLong(v);
        case "--thread-limit" -> threadLimit = Integer.parseInt(v);
        case "--input" -> replayInput = Long.parseLong(v);
        case "--to" -> replayTo = Long.parseLong(v);
        default -> usage("unknown option " + a);
      }
    }
    if (replay) {
      if (replayInput == null || door.equals("all")) {
        usage("replay needs --door and --input");
      }
      long to = replayTo == null ? replayInput : replayTo;
      replay(
          Door.parse(door),
          mix,
          seed,
          replayInput,
          to,
          workDir,
          answerWait,
          hang,
          to == replayInput);
      return;
    }
    List<Door> doors = door.equals("all") ? List.of(Door.values()) : List.of(Door.parse(door));
    List<Campaign.Report> reports = new ArrayList<>();
    for (Door d : doors) {
      Campaign.Settings s =
          new Campaign.Settings(
              d,
              seed,
              inputs,
              phaseInputs,
              workers,
              killEvery,
              answerWait,
              hang,
              rssLimit,
              threadLimit,
              workDir.resolve(d.id()));
      System.out.printf(
          "fuzz %s: %d inputs, seed %d, phases of %d, %d workers, kill -9 every %d phases, work dir %s%n",
          d.id(), inputs, seed, phaseInputs, workers, killEvery, s.workDir());
      // Every third phase (the one that ends with kill -9) writes only, unless asked otherwise.
      List<DoorFuzzer> fuzzers =
          mix == Mix.WRITES
              ? List.of(fuzzer(d, Mix.WRITES))
              : List.of(fuzzer(d, Mix.ALL), fuzzer(d, Mix.ALL), fuzzer(d, Mix.WRITES));
      reports.add(new Campaign(s, fuzzers, System.out).run());
    }
    boolean clean = true;
    for (Campaign.Report r : reports) {
      System.out.printf(
          "%s: %d inputs, %d findings, %d of known defects%n",
          r.door().id(), r.inputs(), r.findings().size(), r.known().size());
      clean &= r.clean();
    }
    System.exit(clean ? 0 : 1);
  }

  /**
   * Sends inputs {@code from..to} one at a time to a fresh server and prints, for each, how it was
   * made, what came back, and any WARN or ERROR lines the server logged for it.
   */
  private static void replay(
      Door door,
      Mix mix,
      long seed,
      long from,
      long to,
      Path workDir,
      long answerWait,
      long hang,
      boolean hex)
      throws Exception {
    DoorFuzzer fuzzer = fuzzer(door, mix);
    Files.createDirectories(workDir);
    try (ServerProcess server =
            new ServerProcess(
                workDir.resolve("data"), workDir.resolve("logs"), FuzzTargets.serverArgs());
        Watchdog watchdog = new Watchdog()) {
      server.start();
      FuzzTargets.create(server);
      fuzzer.bind(server);
      Path log = server.logFiles().getLast();
      long logRead = new ServerLog().scan(log, 0L);
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (long index = from; index <= to; index++) {
        Plan plan = fuzzer.plan(Campaign.input(door, seed, index));
        Exchange.Result r =
            new Exchange(server.port(door), answerWait, hang, watchdog)
                .run(plan, fuzzer.counter(plan));
        Thread.sleep(50);
        ServerLog lines = new ServerLog();
        logRead = lines.scan(log, logRead);
        boolean newError = false;
        for (ServerLog.Entry e : lines.errors()) {
          newError |= seen.add(e.signature());
        }
        boolean noteworthy = hex || newError || r.outcome() == Outcome.HANG || !server.isAlive();
        if (noteworthy) {
          System.out.printf(
              "input %d of %s (seed %d): %d bytes, %d answers expected; %s, %d answers, %d bytes"
                  + " back, %d us%n%s",
              index,
              door.id(),
              seed,
              plan.bytes().length,
              plan.expectedAnswers(),
              r.outcome(),
              r.answers(),
              r.received().length,
              r.micros(),
              plan.detail());
          if (hex) {
            System.out.println("sent: " + HexFormat.of().formatHex(plan.bytes()));
            System.out.println(
                "received: "
                    + HexFormat.of()
                        .formatHex(r.received(), 0, Math.min(4096, r.received().length)));
          }
          for (ServerLog.Entry e : lines.errors()) {
            System.out.println("  " + e.excerpt().replace("\n", "\n  "));
          }
        }
        if (!server.isAlive()) {
          System.out.println("the server died; log tail:\n" + ServerProcess.tail(log));
          return;
        }
      }
    }
  }

  private static void usage(String problem) {
    System.err.println("fuzz: " + problem);
    System.err.print(USAGE);
    System.exit(2);
  }
}
