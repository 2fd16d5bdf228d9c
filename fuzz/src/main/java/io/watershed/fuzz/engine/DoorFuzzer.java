package io.watershed.fuzz.engine;

import io.watershed.fuzz.Door;
import io.watershed.fuzz.ServerProcess;
import io.watershed.fuzz.oracle.Ledger;
import java.util.SplittableRandom;

/**
 * What the harness knows of one door's protocol: how to make one connection's input from the
 * corpus, how to count complete answers, and how to read acknowledged writes (and acknowledged
 * deletions, which excuse them) out of the answers.
 */
public interface DoorFuzzer {
  Door door();

  /**
   * Adapts the seeds to the server about to be fuzzed (identifiers the server assigns, such as
   * Kafka topic ids), once its targets exist.
   */
  default void bind(ServerProcess server) throws Exception {}

  /** Seeds loaded from the corpus (units: requests or request streams). */
  int seedCount();

  /** One connection's input; every choice comes from {@code r}. */
  Plan plan(SplittableRandom r);

  AnswerCounter counter(Plan plan);

  /** Records what the server acknowledged on this connection. */
  void settle(Plan plan, Exchange.Result result, Ledger ledger);
}
