package io.watershed.fuzz;

import io.watershed.fuzz.engine.DoorFuzzer;
import io.watershed.fuzz.engine.Exchange;
import io.watershed.fuzz.engine.Outcome;
import io.watershed.fuzz.engine.Plan;
import io.watershed.fuzz.engine.Watchdog;
import io.watershed.fuzz.oracle.Ledger;
import io.watershed.fuzz.oracle.ReadBack;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A fuzz campaign against one door of one server process: phases of inputs, each followed by the
 * oracles. Before a phase a canary is written through every door; during it {@code workers}
 * connections at a time carry generated inputs; after it the server is stopped (SIGTERM, or SIGKILL
 * every {@code killEvery}-th phase), every stored batch is verified, the server restarted, the
 * canaries and every acknowledged write read back, resident memory and threads compared with their
 * bounds, and the log searched for ERROR lines.
 *
 * <p>Input {@code i} of a campaign is a function of (door, seed, i) alone, so any input can be
 * generated again ({@link #input}) whatever the interleaving of the workers.
 */
public final class Campaign {
  /** How a campaign runs. */
  public record Settings(
      Door door,
      long seed,
      long inputs,
      long phaseInputs,
      int workers,
      int killEvery,
      long answerWaitMillis,
      long hangMillis,
      long rssLimitMiB,
      int threadLimit,
      Path workDir) {}

  /** What one phase found. */
  public record PhaseReport(
      int phase,
      long firstInput,
      long inputs,
      String outcomes,
      long hangs,
      List<Long> hangInputs,
      int crashes,
      long ackedChecked,
      long ackedExcused,
      long ackedLost,
      long ackedMismatched,
      int canaries,
      boolean canariesIntact,
      long storedBatches,
      int storedProblems,
      long rssMiB,
      long maxRssMiB,
      int threads,
      int maxThreads,
      long errorLines,
      long warnLines,
      boolean killed,
      double fuzzSeconds,
      double seconds) {
    public String line(Door door) {
      return String.format(
          "phase %d %s inputs %d..%d (%d) in %.0f s (%.0f inputs/s): %s; crashes %d; acked records checked %d,"
              + " lost %d, mismatched %d, excused %d; canaries %d %s; stored batches %d, bad %d;"
              + " RSS %d MiB (max %d), threads %d (max %d); log ERROR %d, WARN %d%s",
          phase,
          door.id(),
          firstInput,
          firstInput + inputs - 1,
          inputs,
          seconds,
          inputs / Math.max(0.001, fuzzSeconds),
          outcomes,
          crashes,
          ackedChecked,
          ackedLost,
          ackedMismatched,
          ackedExcused,
          canaries,
          canariesIntact ? "intact" : "DAMAGED",
          storedBatches,
          storedProblems,
          rssMiB,
          maxRssMiB,
          threads,
          maxThreads,
          errorLines,
          warnLines,
          killed ? "; ended with kill -9" : "");
    }
  }

  /** What the whole campaign found. */
  public record Report(
      Door door, long seed, List<PhaseReport> phases, List<String> findings, List<String> known) {
    public boolean clean() {
      return findings.isEmpty();
    }

    public long inputs() {
      return phases.stream().mapToLong(PhaseReport::inputs).sum();
    }
  }

  private final Settings settings;
  private final List<DoorFuzzer> fuzzers;
  private DoorFuzzer fuzzer;
  private final PrintStream out;
  private final List<String> findings = new ArrayList<>();
  private final List<String> known = new ArrayList<>();
  private final java.util.Set<String> knownSeen = new java.util.HashSet<>();
  private final ReentrantReadWriteLock serverLock = new ReentrantReadWriteLock();
  private final Map<Path, Long> logBytesRead = new HashMap<>();
  private ServerProcess server;
  private int crashesInPhase;

  /**
   * The connections of the current phase by client port: wall-clock start and end (ms) and input
   * index, so that a log line naming a client address can be traced to the input that caused it.
   */
  private final Map<Integer, List<long[]>> connections =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param fuzzers the door's fuzzers, taken in turn phase by phase (one for every phase, or one
   *     per mix: all requests, then writes only …)
   */
  public Campaign(Settings settings, List<DoorFuzzer> fuzzers, PrintStream out) {
    this.settings = settings;
    this.fuzzers = List.copyOf(fuzzers);
    this.out = out;
  }

  /** The random source of input {@code index} of a campaign of {@code door} with {@code seed}. */
  public static SplittableRandom input(Door door, long seed, long index) {
    long s = seed * 0x9E3779B97F4A7C15L + door.ordinal() * 0xBF58476D1CE4E5B9L;
    return new SplittableRandom(s ^ (index * 0x94D049BB133111EBL + 0x632BE59BD9B4E019L));
  }

  public Report run() throws Exception {
    Path work = settings.workDir();
    server =
        new ServerProcess(work.resolve("data"), work.resolve("logs"), FuzzTargets.serverArgs());
    List<PhaseReport> phases = new ArrayList<>();
    Ledger ledger = new Ledger();
    Canaries canaries = new Canaries();
    try (Watchdog watchdog = new Watchdog()) {
      server.start();
      FuzzTargets.create(server);
      for (DoorFuzzer f : fuzzers) {
        f.bind(server);
      }
      canaries.setUp(server);
      long phaseCount = (settings.inputs() + settings.phaseInputs() - 1) / settings.phaseInputs();
      for (int phase = 1; phase <= phaseCount; phase++) {
        long first = (phase - 1) * settings.phaseInputs();
        long last = Math.min(settings.inputs(), first + settings.phaseInputs());
        boolean kill = settings.killEvery() > 0 && phase % settings.killEvery() == 0;
        fuzzer = fuzzers.get((phase - 1) % fuzzers.size());
        PhaseReport r = phase(phase, first, last, kill, ledger, canaries, watchdog);
        phases.add(r);
        out.println(r.line(settings.door()));
        out.flush();
      }
    } finally {
      server.close();
    }
    return new Report(
        settings.door(),
        settings.seed(),
        List.copyOf(phases),
        List.copyOf(findings),
        List.copyOf(known));
  }

  private PhaseReport phase(
      int phase,
      long first,
      long last,
      boolean kill,
      Ledger ledger,
      Canaries canaries,
      Watchdog watchdog)
      throws Exception {
    long started = System.nanoTime();
    crashesInPhase = 0;
    long findingsBefore = ledger.findingCount();
    canaries.write(server, "phase " + phase);
    Map<String, String> topicsBefore = ReadBack.topicIds(server.kafkaBootstrap());
    PhaseStats stats = new PhaseStats();
    long[] maxRss = {0};
    int[] maxThreads = {0};
    connections.clear();
    long fuzzStart = System.nanoTime();
    runInputs(first, last, ledger, stats, watchdog, maxRss, maxThreads);
    double fuzzSeconds = (System.nanoTime() - fuzzStart) / 1e9;
    ProcessStats end = ProcessStats.of(server.pid());
    maxRss[0] = Math.max(maxRss[0], end.rssMiB());
    maxThreads[0] = Math.max(maxThreads[0], end.threads());
    String where = settings.door().id() + " phase " + phase;
    if (!server.isAlive()) {
      finding(where + ": CRASH: the server is not running at the end of the phase");
      server.start();
    }
    int health = server.healthStatus();
    if (health != 200) {
      finding(where + ": /health answered " + health + " after the phase");
    }
    if (end.rssMiB() > settings.rssLimitMiB() || maxRss[0] > settings.rssLimitMiB()) {
      finding(
          where
              + ": RSS "
              + maxRss[0]
              + " MiB exceeds the bound of "
              + settings.rssLimitMiB()
              + " MiB");
    }
    if (maxThreads[0] > settings.threadLimit()) {
      finding(
          where + ": " + maxThreads[0] + " threads exceed the bound of " + settings.threadLimit());
    }
    if (stats.hangs() > 0) {
      finding(where + ": " + stats.hangs() + " HANGS (inputs " + stats.hangInputs() + ")");
    }
    SegmentVerifier.Report stored;
    if (kill) {
      server.kill();
      // Recovery runs on the next start; stop cleanly after it so the files can be walked.
      server.start();
      server.stop();
    } else {
      int code = server.stop();
      if (code != 0) {
        finding(where + ": the server exited with " + code + " on SIGTERM");
      }
    }
    stored = SegmentVerifier.verify(server.dataDir());
    for (String p : stored.problems()) {
      finding(where + ": STORED BATCH DOES NOT VERIFY: " + p);
    }
    server.start();
    List<String> canaryProblems = canaries.verify(server);
    for (String p : canaryProblems) {
      finding(where + ": " + p);
    }
    ReadBack.Result acked = ReadBack.check(server.kafkaBootstrap(), ledger, topicsBefore);
    if (!acked.goneTopics().isEmpty()) {
      out.println(
          "  topics deleted during the phase (their acknowledged records excused): "
              + acked.goneTopics());
    }
    for (String p : acked.problems()) {
      finding(where + ": " + p);
    }
    List<String> atAck = ledger.findings();
    for (int i = (int) Math.min(findingsBefore, atAck.size()); i < atAck.size(); i++) {
      finding(where + ": " + atAck.get(i));
    }
    ledger.clearExpected();
    ServerLog log = new ServerLog();
    for (Path f : server.logFiles()) {
      logBytesRead.put(f, log.scan(f, logBytesRead.getOrDefault(f, 0L)));
    }
    Map<String, Long> signatures = log.errorSignatures();
    for (ServerLog.Entry e : log.errors()) {
      Long times = signatures.get(e.signature());
      finding(
          where
              + ": ERROR in the server log ("
              + e.file().getFileName()
              + (times == null ? "" : ", " + times + " times")
              + inputsFor(e)
              + "):\n"
              + e.excerpt());
    }
    for (ServerLog.Entry e : log.warnings().subList(0, Math.min(3, log.warnings().size()))) {
      out.println("  WARN example (" + e.file().getFileName() + "): " + firstLine(e.excerpt()));
    }
    return new PhaseReport(
        phase,
        first,
        stats.inputs(),
        stats.outcomes(),
        stats.hangs(),
        stats.hangInputs(),
        crashesInPhase,
        acked.checked(),
        acked.excused(),
        acked.lost(),
        acked.mismatched(),
        canaries.count(),
        canaryProblems.isEmpty(),
        stored.batches(),
        stored.problems().size(),
        end.rssMiB(),
        maxRss[0],
        end.threads(),
        maxThreads[0],
        log.errorCount(),
        log.warnCount(),
        kill,
        fuzzSeconds,
        (System.nanoTime() - started) / 1e9);
  }

  private static final java.util.regex.Pattern CLIENT =
      java.util.regex.Pattern.compile("127\\.0\\.0\\.1:(\\d+)");

  /**
   * The inputs whose connection a log entry names (by client port, at the time it was logged), as
   * ", first logged by input N" — or nothing when the entry names none or none matches.
   */
  private String inputsFor(ServerLog.Entry e) {
    long at;
    try {
      at = java.time.LocalTime.parse(e.line().substring(0, 12)).toNanoOfDay() / 1_000_000;
    } catch (RuntimeException x) {
      return "";
    }
    java.util.TreeSet<Long> found = new java.util.TreeSet<>();
    java.util.regex.Matcher m = CLIENT.matcher(e.excerpt());
    while (m.find()) {
      List<long[]> uses = connections.get(Integer.parseInt(m.group(1)));
      if (uses == null) {
        continue;
      }
      synchronized (uses) {
        for (long[] u : uses) {
          long start = dayMillis(u[0]);
          long end = dayMillis(u[1]);
          if (at >= start - 20 && at <= end + 2000) {
            found.add(u[2]);
          }
        }
      }
    }
    return found.isEmpty()
        ? ""
        : ", first logged by input " + (found.size() == 1 ? found.first() : found);
  }

  private static long dayMillis(long epochMillis) {
    return java.time.Instant.ofEpochMilli(epochMillis)
            .atZone(java.time.ZoneId.systemDefault())
            .toLocalTime()
            .toNanoOfDay()
        / 1_000_000;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private void runInputs(
      long first,
      long last,
      Ledger ledger,
      PhaseStats stats,
      Watchdog watchdog,
      long[] maxRss,
      int[] maxThreads)
      throws Exception {
    AtomicLong next = new AtomicLong(first);
    LongAdder sinceSample = new LongAdder();
    ExecutorService pool = Executors.newFixedThreadPool(settings.workers());
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int w = 0; w < settings.workers(); w++) {
        workers.add(
            pool.submit(
                () -> {
                  for (long i = next.getAndIncrement(); i < last; i = next.getAndIncrement()) {
                    deliver(i, ledger, stats, watchdog);
                    sinceSample.increment();
                    if (sinceSample.sum() >= 500) {
                      sinceSample.reset();
                      sample(maxRss, maxThreads);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : workers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  private void sample(long[] maxRss, int[] maxThreads) {
    serverLock.readLock().lock();
    try {
      ProcessStats s = ProcessStats.of(server.pid());
      synchronized (maxRss) {
        maxRss[0] = Math.max(maxRss[0], s.rssMiB());
        maxThreads[0] = Math.max(maxThreads[0], s.threads());
      }
    } finally {
      serverLock.readLock().unlock();
    }
  }

  private void deliver(long index, Ledger ledger, PhaseStats stats, Watchdog watchdog)
      throws Exception {
    Plan plan = fuzzer.plan(input(settings.door(), settings.seed(), index));
    long startMillis = System.currentTimeMillis();
    Exchange.Result result;
    serverLock.readLock().lock();
    try {
      Exchange exchange =
          new Exchange(
              server.port(settings.door()),
              settings.answerWaitMillis(),
              settings.hangMillis(),
              watchdog);
      result = exchange.run(plan, fuzzer.counter(plan));
    } finally {
      serverLock.readLock().unlock();
    }
    stats.record(index, plan.bytes().length, result);
    if (result.localPort() > 0) {
      connections
          .computeIfAbsent(
              result.localPort(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
          .add(new long[] {startMillis, System.currentTimeMillis(), index});
    }
    if (result.outcome() == Outcome.CONNECT_FAILED || !server.isAlive()) {
      crashed(index);
      return;
    }
    ledger.settling(index);
    fuzzer.settle(plan, result, ledger);
  }

  /** Records a crash (when the server is really gone) and starts it again. */
  private void crashed(long index) throws Exception {
    serverLock.writeLock().lock();
    try {
      if (server.isAlive()) {
        return;
      }
      crashesInPhase++;
      String log = ServerProcess.tail(server.logFiles().getLast());
      String lastLine = log.substring(log.lastIndexOf('\n') + 1);
      // A crash is matched to a known defect by how the process ended (its last line), never by
      // the errors logged before it.
      finding(
          settings.door().id()
              + ": CRASH: the server died ("
              + lastLine
              + "); the input being sent by this worker was "
              + index
              + " (other workers had inputs in flight too)",
          "\n" + log);
      server.start();
    } finally {
      serverLock.writeLock().unlock();
    }
  }

  private void finding(String what) {
    finding(what, "");
  }

  /** A finding; {@code detail} is reported with it but not matched against known defects. */
  private synchronized void finding(String summary, String detail) {
    String what = summary + detail;
    KnownDefects.Defect d = KnownDefects.match(summary);
    if (d != null) {
      known.add("[known: " + d.name() + "] " + what);
      if (knownSeen.add(d.name())) {
        out.println("  known defect " + d.name() + " (reported once): " + firstLine(what));
      }
    } else {
      findings.add(what);
      out.println("  FINDING: " + what);
    }
  }
}
