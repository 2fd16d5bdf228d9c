package io.watershed.fuzz;

import io.watershed.fuzz.engine.Exchange;
import io.watershed.fuzz.engine.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one phase's deliveries, shared by its workers. */
public final class PhaseStats {
  private static final int MAX_EXAMPLES = 20;

  final LongAdder inputs = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder answers = new LongAdder();
  final LongAdder answerTimeouts = new LongAdder();
  final LongAdder exchangeMicros = new LongAdder();
  private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
  private final List<Long> hangInputs = new ArrayList<>();

  PhaseStats() {
    for (Outcome o : Outcome.values()) {
      outcomes.put(o, new LongAdder());
    }
  }

  void record(long input, int sent, Exchange.Result r) {
    inputs.increment();
    bytesSent.add(sent);
    answers.add(r.answers());
    exchangeMicros.add(r.micros());
    if (r.answersTimedOut()) {
      answerTimeouts.increment();
    }
    outcomes.get(r.outcome()).increment();
    if (r.outcome() == Outcome.HANG) {
      synchronized (hangInputs) {
        if (hangInputs.size() < MAX_EXAMPLES) {
          hangInputs.add(input);
        }
      }
    }
  }

  public long count(Outcome o) {
    return outcomes.get(o).sum();
  }

  public long inputs() {
    return inputs.sum();
  }

  public long hangs() {
    return count(Outcome.HANG);
  }

  /** The indices of the first inputs that hung, to replay them. */
  public List<Long> hangInputs() {
    synchronized (hangInputs) {
      return List.copyOf(hangInputs);
    }
  }

  public String outcomes() {
    return String.format(
        "answered %d, closed silently %d, reset %d, hangs %d, answer waits timed out %d,"
            + " mean exchange %.1f ms",
        count(Outcome.ANSWERED),
        count(Outcome.CLOSED_SILENTLY),
        count(Outcome.RESET),
        count(Outcome.HANG),
        answerTimeouts.sum(),
        inputs.sum() == 0 ? 0.0 : exchangeMicros.sum() / 1000.0 / inputs.sum());
  }
}
